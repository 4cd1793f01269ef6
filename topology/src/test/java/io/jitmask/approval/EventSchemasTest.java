package io.jitmask.approval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jitmask.audit.AuditEvent;
import io.jitmask.testing.DemoActors;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published JSON Schemas stay in step with the code that writes and reads the events. */
class EventSchemasTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode schema(String name) throws Exception {
        return JSON.readTree(Path.of("../schemas", name).toFile());
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void auditTypesAndReasonsAreAllDocumented() throws Exception {
        JsonNode audit = schema("audit-event.schema.json");
        assertThat(texts(audit.at("/properties/type/enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(AuditEvent.Type.values()).map(Enum::name).toList());
        String reasons = audit.at("/properties/reason/description").asText();
        for (Rejection.Reason reason : Rejection.Reason.values()) {
            assertThat(reasons).contains(reason.name());
        }
        JsonNode emitted = JSON.readTree(AuditEvent.of(AuditEvent.Type.DISCLOSURE_SUMMARY, "r1", Instant.EPOCH).records(3L)
                .sourceOffsets(java.util.Map.of("0", new AuditEvent.OffsetRange(4, 9))).build().toBytes());
        emitted.fieldNames().forEachRemaining(field -> assertThat(audit.at("/properties").has(field)).as(field).isTrue());
        JsonNode backfill = JSON.readTree(AuditEvent.of(AuditEvent.Type.BACKFILL_STARTED, "r1", Instant.EPOCH).lookbackSeconds(60L)
                .windowFrom(Instant.EPOCH).windowTo(Instant.EPOCH).reachedBack(Instant.EPOCH)
                .windowOffsets(java.util.Map.of("0", new AuditEvent.OffsetRange(0, 9))).build().toBytes());
        assertThat(backfill.size()).isEqualTo(8);
        backfill.fieldNames().forEachRemaining(field -> assertThat(audit.at("/properties").has(field)).as(field).isTrue());
    }

    @Test
    void approvalEventsWrittenByTheCliUseOnlyDocumentedFields() throws Exception {
        JsonNode approval = schema("approval-event.schema.json");
        assertThat(texts(approval.at("/properties/type/enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(ApprovalEvent.Type.values()).map(Enum::name).toList());
        var request = ApprovalEvents.requested("r1", "alice", Instant.EPOCH, "User:alice", "customers", List.of("email"),
                List.of("C1"), "INC-1", 60, 3600L, DemoActors.key("alice"));
        var approved = ApprovalEvents.approved(request, "bob", Instant.EPOCH, "ok", DemoActors.key("bob"));
        for (JsonNode event : List.of(request, approved)) {
            event.fieldNames().forEachRemaining(field -> assertThat(approval.at("/properties").has(field)).as(field).isTrue());
        }
        assertThat(approved.get("requestDigest").asText()).matches(approval.at("/properties/requestDigest/pattern").asText());
    }
}
