package io.jitmask.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.approval.Ed25519;
import io.jitmask.audit.AuditEvent;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.LifecycleDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * Hostile events on jit.approvals: a valid request followed by a mutated approval (fields removed, retyped,
 * replaced, re-signed by the wrong key, far-future times, huge durations, confusable actor names, garbage JSON).
 * The lifecycle never throws, every event leaves an audit trace, and a grant appears only when the approval is
 * exactly the valid one.
 */
class ApprovalFuzzTest {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final Policy POLICY = PolicyLoader.load(DemoActors.POLICY);

    static final List<String> FIELDS = List.of("type", "requestId", "actor", "at", "signature", "requestDigest", "comment");

    ObjectNode mutate(Random random, ObjectNode approval) {
        ObjectNode event = approval.deepCopy();
        switch (random.nextInt(9)) {
            case 0 -> event.remove(FIELDS.get(random.nextInt(FIELDS.size())));
            case 1 -> event.put(FIELDS.get(random.nextInt(FIELDS.size())), random.nextLong());
            case 2 -> event.putArray(FIELDS.get(random.nextInt(FIELDS.size()))).add("x");
            case 3 -> event.put("requestDigest", "0".repeat(64));
            case 4 -> event.put("actor", random.nextBoolean() ? "bоb" : "BOB"); // Cyrillic o, upper case
            case 5 -> {
                event.put("at", NOW.plus(Duration.ofDays(1 + random.nextInt(3650))).toString());
                Ed25519.sign(event, DemoActors.key("bob"));
            }
            case 6 -> Ed25519.sign(event, DemoActors.key(random.nextBoolean() ? "carol" : "alice"));
            case 7 -> event.put("comment", "changed after signing");
            default -> event.put("type", List.of("REQUESTED", "DENIED", "REVOKED", "NOPE").get(random.nextInt(4)));
        }
        return event;
    }

    /**
     * Tries share a lifecycle instance, renewed every {@link #TRIES_PER_DRIVER} tries: opening one (its RocksDB
     * stores) per try cost most of the unit suite's time. Each try has a request id of its own; a rejected request
     * stays pending, and renewing the instance keeps alice below the limit of pending requests per requester
     * ({@code LifecycleLimits.DEFAULT_MAX_PENDING_PER_REQUESTER}), so no try's request is refused for another's.
     */
    static final int TRIES_PER_DRIVER = 40;

    LifecycleDriver lifecycle;
    int tries;

    void renewDriverEvery(int count) {
        if (lifecycle != null && tries % count != 0) {
            return;
        }
        if (lifecycle != null) {
            lifecycle.close();
        }
        lifecycle = LifecycleDriver.builder("approval-fuzz", NOW).policy(POLICY).start();
    }

    @AfterProperty
    void closeDriver() {
        if (lifecycle != null) {
            lifecycle.close();
        }
    }

    @Property(tries = 150)
    void mutatedApprovalsNeverGrant(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        Random random = new Random(seed);
        renewDriverEvery(TRIES_PER_DRIVER);
        String id = "f" + seed + "-" + tries++;
        // What earlier tries of this instance left on the output topics is not this try's.
        lifecycle.audit.readRecordsToList();
        lifecycle.commands.readRecordsToList();
        long duration = random.nextBoolean() ? 600 : Long.MAX_VALUE / (1 + random.nextInt(1000));
        ObjectNode request = ApprovalEvents.requested(id, "alice", NOW, "User:alice", "customers",
                List.of("email"), null, "INC-5 fuzz", duration, null, DemoActors.key("alice"));
        lifecycle.approvals.pipeInput(id, request.toString());
        ObjectNode approval = ApprovalEvents.approved(request, "bob", NOW, "fine", DemoActors.key("bob"));
        ObjectNode hostile = mutate(random, approval);
        String payload = random.nextInt(10) == 0 ? hostile.toString().substring(0, hostile.toString().length() / 2) : hostile.toString();
        lifecycle.approvals.pipeInput(id, payload);

        List<AuditEvent> events = lifecycle.auditEvents();
        assertThat(events).as("every event leaves a trace").hasSizeGreaterThanOrEqualTo(2);
        boolean exactlyValid = payload.equals(approval.toString()) && duration == 600;
        if (!exactlyValid) {
            assertThat(lifecycle.commands.isEmpty()).as("no grant topic provisioned for a mutated approval").isTrue();
            assertThat(events).noneMatch(e -> e.type() == AuditEvent.Type.ACTIVATED);
            assertThat(events.get(events.size() - 1).type()).isEqualTo(AuditEvent.Type.REJECTED);
        }
    }
}
