package io.jitmask.classify;

import io.jitmask.audit.AuditEvent;
import io.jitmask.policy.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The policy's declassifications as audit events: each time an instance loads a policy, every path it releases
 * from a dataset's classification is audited ({@code DECLASSIFICATION_LOADED}: dataset, path, who decided, why),
 * so the trail shows when a formerly sensitive field started to pass in clear and on whose word. The event id,
 * {@code declassified/<dataset>/<path>}, is the same on every load; a consumer sees one line per load.
 */
public final class Declassifications {
    private Declassifications() {
    }

    public static List<AuditEvent> events(Policy policy, List<String> datasets, Instant at) {
        List<AuditEvent> out = new ArrayList<>();
        for (Map.Entry<String, Policy.DatasetPolicy> dataset : new java.util.TreeMap<>(policy.datasets()).entrySet()) {
            if (dataset.getValue() == null || !datasets.contains(dataset.getKey())) {
                continue;
            }
            for (Policy.Declassification d : dataset.getValue().declassified()) {
                out.add(AuditEvent.of(AuditEvent.Type.DECLASSIFICATION_LOADED, "declassified/" + dataset.getKey() + "/" + d.path(), at)
                        .actor(d.by()).dataset(dataset.getKey()).fields(List.of(d.path())).reason(d.reason()).build());
            }
        }
        return out;
    }
}
