package io.jitmask.grants;

import com.fasterxml.jackson.databind.JsonNode;
import io.jitmask.approval.ApprovalEvent;
import io.jitmask.approval.Keyring;
import io.jitmask.approval.Rejection;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.ops.JitmaskMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of every request, keyed by requestId: validates each signed event, activates a grant once enough
 * valid approvals are in (topic, then ACL, then the ACTIVE grant on {@code jit.grants}), and ends grants on
 * revocation or expiry (wall-clock punctuation every second; also right after start-up, for grants that expired
 * while jitmask was down). Every decision, accepted or refused, is written to {@code jit.audit}. The punctuation
 * reads only the deadlines that have come ({@link LifecycleStore}); finished requests are pruned after
 * {@link LifecycleLimits#pruneHorizon()}, and events older than it are refused ({@code STALE}).
 */
public final class GrantLifecycleProcessor implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(GrantLifecycleProcessor.class);
    public static final String AUTO_APPROVER = "jitmask-auto-approval";

    /** What the lifecycle needs besides its store. */
    public record Deps(ApprovalValidator validator, GrantResources resources, GrantEnder ender, boolean manageAcls,
                       Duration requestTtl, Duration deleteGrace, Backfiller backfiller, JitmaskMetrics metrics) {
        public Deps(ApprovalValidator validator, GrantResources resources, GrantEnder ender, boolean manageAcls,
                    Duration requestTtl, Duration deleteGrace) {
            this(validator, resources, ender, manageAcls, requestTtl, deleteGrace, Backfiller.NONE, JitmaskMetrics.none());
        }

        public Deps(ApprovalValidator validator, GrantResources resources, GrantEnder ender, boolean manageAcls,
                    Duration requestTtl, Duration deleteGrace, Backfiller backfiller) {
            this(validator, resources, ender, manageAcls, requestTtl, deleteGrace, backfiller, JitmaskMetrics.none());
        }

        public Deps(ApprovalValidator validator, GrantResources resources, GrantEnder ender, boolean manageAcls,
                    Duration requestTtl, Duration deleteGrace, JitmaskMetrics metrics) {
            this(validator, resources, ender, manageAcls, requestTtl, deleteGrace, Backfiller.NONE, metrics);
        }
    }

    /** Deadlines handled per punctuation at most, so a backlog (a mass expiry, a first pruning) never stalls the thread. */
    static final int MAX_DUE_PER_PUNCTUATION = 5_000;

    /** The lifecycle's stores: requests, their deadlines, and the per-requester counters. */
    public record Stores(String requests, String deadlines, String counters) {
    }

    private final Deps deps;
    private final LifecycleLimits limits;
    private final Stores storeNames;
    private final String grantsSink;
    private final String auditSink;
    private ProcessorContext<String, byte[]> context;
    private LifecycleStore store;
    /** When the event being processed landed on jit.approvals: the start of approval-to-activation. */
    private long eventTimestampMs;

    public GrantLifecycleProcessor(Deps deps, LifecycleLimits limits, Stores storeNames, String grantsSink, String auditSink) {
        this.deps = deps;
        this.limits = limits;
        this.storeNames = storeNames;
        this.grantsSink = grantsSink;
        this.auditSink = auditSink;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        KeyValueStore<String, byte[]> requests = context.getStateStore(storeNames.requests());
        KeyValueStore<String, String> deadlines = context.getStateStore(storeNames.deadlines());
        KeyValueStore<String, Long> counters = context.getStateStore(storeNames.counters());
        this.store = new LifecycleStore(requests, deadlines, counters, limits);
        if (store.rebuildIfNeeded()) {
            LOG.info("built the lifecycle's deadline index and counters for task {}", context.taskId());
        }
        // Grants whose end was under way when the process stopped: finish ending them.
        for (RequestState state : states()) {
            if (state.status() == RequestState.Status.ENDING) {
                deps.ender().end(endJob(state, "REVOKED".equals(state.endReason()) ? state.endReason() : null));
            } else if (state.status() == RequestState.Status.ACTIVE && state.lookbackSeconds() != null) {
                // Backfills run in memory: one cut short by a stop resumes, skipping what it already delivered.
                deps.backfiller().start(state.requestId(), Topics.grantKey(state.dataset(), state.requestId()));
            }
        }
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::endDue);
    }

    /**
     * The task leaves this instance (a rebalance, a shutdown): its lookback grants' copy runs stop here, before the
     * instance taking the task over resumes them, so two runs never copy for one grant.
     */
    @Override
    public void close() {
        try {
            for (RequestState state : states()) {
                if (state.status() == RequestState.Status.ACTIVE && state.lookbackSeconds() != null) {
                    deps.backfiller().release(state.requestId(), Topics.grantKey(state.dataset(), state.requestId()));
                }
            }
        } catch (RuntimeException e) {
            // A store already closed (a task closed dirty): the runs end with the grant or the process.
            LOG.warn("could not hand over the backfills of a closing lifecycle task: {}", e.getClass().getSimpleName());
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Instant now = now();
        eventTimestampMs = record.timestamp();
        ApprovalEvent event;
        try {
            event = ApprovalEvent.parse(record.key(), record.value());
        } catch (Rejection rejection) {
            String requestId = Topics.isValidName(record.key()) ? record.key() : "unknown";
            audit(AuditEvent.of(AuditEvent.Type.REJECTED, requestId, now).reason(rejection.reason().name())
                    .detail(rejection.detail()).build());
            return;
        }
        RequestState state = load(event.requestId());
        try {
            Keyring.Actor actor = deps.validator().authenticate(event, now);
            // Before REPLAY: the answer to an old event must not depend on whether its request was pruned yet.
            if (limits.isStale(event.at(), now)) {
                throw new Rejection(Rejection.Reason.STALE, "'at' is more than " + limits.pruneHorizon().toSeconds()
                        + " seconds in the past (the prune horizon)");
            }
            if (state != null && state.signatures().contains(event.signature())) {
                throw new Rejection(Rejection.Reason.REPLAY, "this exact signed event was already processed");
            }
            switch (event.type()) {
                case REQUESTED -> requested(event, actor, state, now);
                case APPROVED -> approved(event, actor, state, now);
                case DENIED -> denied(event, actor, state, now);
                case REVOKED -> revoked(event, actor, state, now);
                default -> throw new IllegalStateException();
            }
        } catch (Rejection rejection) {
            audit(AuditEvent.of(AuditEvent.Type.REJECTED, event.requestId(), now).actor(event.actor())
                    .reason(rejection.reason().name()).detail(event.type() + ": " + rejection.detail()).build());
            if (state != null && rejection.reason() == Rejection.Reason.DUPLICATE_APPROVER) {
                save(state.withSignatureSeen(event.signature()));
            }
        }
    }

    private void requested(ApprovalEvent event, Keyring.Actor actor, RequestState existing, Instant now) {
        if (!event.actor().equals(actor.name())) {
            throw new Rejection(Rejection.Reason.UNKNOWN_ACTOR, "actor mismatch");
        }
        RequestState state = deps.validator().request(event, actor, existing);
        int pending = store.pendingOf(actor.name());
        if (pending >= limits.maxPendingPerRequester()) {
            throw new Rejection(Rejection.Reason.TOO_MANY_PENDING, actor.name() + " already has " + pending
                    + " pending requests, the most allowed (" + limits.maxPendingPerRequester() + ")");
        }
        save(state);
        audit(base(AuditEvent.Type.REQUESTED, state, now).actor(actor.name()).justification(state.justification())
                .durationSeconds(state.durationSeconds()).lookbackSeconds(state.lookbackSeconds()).build());
        if (deps.validator().autoApproves(state, store.activeGrantsOf(state.grantee()), now)) {
            RequestState approved = state.withApproval(new RequestState.Approval(AUTO_APPROVER, now, null, true), null);
            save(approved);
            audit(base(AuditEvent.Type.AUTO_APPROVED, approved, now).actor(AUTO_APPROVER)
                    .detail("within the policy's automated risk rules").build());
            activate(approved, now);
        }
    }

    private void approved(ApprovalEvent event, Keyring.Actor actor, RequestState state, Instant now) {
        RequestState.Approval approval = deps.validator().approve(event, actor, state);
        RequestState updated = state.withApproval(approval, event.signature());
        save(updated);
        audit(base(AuditEvent.Type.APPROVED, updated, now).actor(actor.name()).comment(approval.comment())
                .approvers(updated.approverNames()).build());
        if (updated.approvals().size() >= updated.requirement().approvers()) {
            activate(updated, now);
        }
    }

    private void denied(ApprovalEvent event, Keyring.Actor actor, RequestState state, Instant now) {
        deps.validator().deny(actor, state);
        save(state.withSignatureSeen(event.signature()).ended(RequestState.Status.DENIED, now, event.string("reason")));
        audit(base(AuditEvent.Type.DENIED, state, now).actor(actor.name()).reason(event.string("reason")).build());
    }

    private void revoked(ApprovalEvent event, Keyring.Actor actor, RequestState state, Instant now) {
        deps.validator().revoke(actor, state);
        RequestState seen = state.withSignatureSeen(event.signature());
        if (seen.status() == RequestState.Status.PENDING) {
            // Withdrawn before it was ever granted: nothing to tear down.
            save(seen.ended(RequestState.Status.DENIED, now, "withdrawn: " + event.string("reason")));
            audit(base(AuditEvent.Type.REVOKED, seen, now).actor(actor.name()).reason(event.string("reason")).build());
            return;
        }
        end(seen, now, true, actor.name(), event.string("reason"));
    }

    /** Topic first, then ACL, then the ACTIVE grant: a grantee never sees a grant it cannot read. */
    private void activate(RequestState state, Instant now) {
        Instant expiresAt = now.plusSeconds(state.durationSeconds());
        String topic = Topics.grant(state.dataset(), state.requestId());
        try {
            int partitions = deps.resources().partitionsOf(Topics.raw(state.dataset()));
            long retentionMs = Duration.ofSeconds(state.durationSeconds()).plus(deps.deleteGrace()).toMillis() + 60_000;
            deps.resources().createTopic(topic, partitions, retentionMs);
            if (deps.manageAcls()) {
                deps.resources().allowRead(topic, state.grantee());
            }
        } catch (RuntimeException e) {
            LOG.warn("activating grant {} failed: {}", state.requestId(), e.getClass().getSimpleName());
            try {
                deps.resources().deleteTopic(topic);
            } catch (RuntimeException ignored) {
                // best effort: the topic may never have been created
            }
            save(state.ended(RequestState.Status.FAILED, now, "activation failed"));
            audit(base(AuditEvent.Type.ACTIVATION_FAILED, state, now).topic(topic)
                    .detail("could not create the grant topic or its ACL (" + e.getClass().getSimpleName() + ")").build());
            return;
        }
        RequestState active = state.activated(now, expiresAt, topic);
        save(active);
        if (!deps.manageAcls()) {
            audit(base(AuditEvent.Type.ACL_NOT_ENFORCED, active, now).topic(topic)
                    .detail("jitmask.acls.enabled=false: the broker does not restrict who reads the grant topic").build());
        }
        Grant grant = new Grant(active.requestId(), active.dataset(), active.grantee(), active.fields(), filter(active),
                topic, active.requester(), active.approverNames(), active.justification(), now, expiresAt, Grant.ACTIVE,
                active.lookbackSeconds());
        context.forward(new Record<>(grant.key(), GrantJson.toBytes(grant), context.currentSystemTimeMs()), grantsSink);
        audit(base(AuditEvent.Type.ACTIVATED, active, now).topic(topic).approvers(active.approverNames())
                .durationSeconds(active.durationSeconds()).lookbackSeconds(active.lookbackSeconds()).expiresAt(expiresAt).build());
        if (grant.hasLookback()) {
            deps.backfiller().start(grant.requestId(), grant.key());
        }
        deps.metrics().recordActivation(Instant.ofEpochMilli(eventTimestampMs));
    }

    private static GrantFilter filter(RequestState state) {
        try {
            return GrantJson.MAPPER.treeToValue(state.filter(), GrantFilter.class);
        } catch (Exception e) {
            throw new IllegalStateException("stored filter unreadable", e);
        }
    }

    /** Tombstone and first audit event in this transaction; access, topic and final audit in the end worker. */
    private void end(RequestState state, Instant now, boolean revoked, String actor, String reason) {
        RequestState ending = state.ended(RequestState.Status.ENDING, now, revoked ? "REVOKED" : "EXPIRED");
        save(ending);
        context.forward(new Record<>(Topics.grantKey(state.dataset(), state.requestId()), (byte[]) null,
                context.currentSystemTimeMs()), grantsSink);
        audit(base(revoked ? AuditEvent.Type.REVOKE_ACCEPTED : AuditEvent.Type.EXPIRY_DETECTED, ending, now)
                .actor(revoked ? actor : "jitmask").reason(reason).topic(state.topic()).expiresAt(state.expiresAt()).build());
        deps.ender().end(new GrantEnder.EndJob(state.requestId(), state.dataset(),
                Topics.grantKey(state.dataset(), state.requestId()), state.topic(), state.grantee(), revoked,
                revoked ? actor : "jitmask", reason, state.expiresAt()));
    }

    private GrantEnder.EndJob endJob(RequestState state, String reason) {
        boolean revoked = "REVOKED".equals(state.endReason());
        return new GrantEnder.EndJob(state.requestId(), state.dataset(), Topics.grantKey(state.dataset(), state.requestId()),
                state.topic(), state.grantee(), revoked, "jitmask", reason, state.expiresAt());
    }

    /**
     * Punctuation: expire grants and unanswered requests whose time is up, confirm ended grants and prune finished
     * requests. Reads only the deadlines up to now, never the whole store.
     */
    void endDue(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        for (LifecycleStore.Due due : store.due(now, MAX_DUE_PER_PUNCTUATION)) {
            RequestState state = load(due.requestId());
            if (store.dropIfStale(due, state)) {
                continue;
            }
            switch (state.status()) {
                case ACTIVE -> end(state, now, false, "jitmask", "expired at " + state.expiresAt());
                case ENDING -> {
                    if (deps.ender().confirmFinished(state.requestId())) {
                        // The final audit events are out: a restart must not hand this grant over (and audit it) again.
                        save(state.ended(RequestState.Status.ENDED, state.endedAt(), state.endReason()));
                    }
                }
                case PENDING -> {
                    save(state.ended(RequestState.Status.REQUEST_EXPIRED, now, "not approved in time"));
                    audit(base(AuditEvent.Type.REQUEST_EXPIRED, state, now).actor("jitmask")
                            .detail("not approved within " + limits.requestTtl().toSeconds() + " seconds").build());
                }
                default -> {
                    store.prune(state);
                    deps.metrics().recordPruned();
                }
            }
        }
    }

    private List<RequestState> states() {
        return store.all();
    }

    private static AuditEvent.Builder base(AuditEvent.Type type, RequestState state, Instant now) {
        JsonNode filter = state.filter() == null || state.filter().isEmpty() ? null : state.filter();
        return AuditEvent.of(type, state.requestId(), now).dataset(state.dataset()).grantee(state.grantee())
                .fields(state.fields()).filter(filter);
    }

    private RequestState load(String requestId) {
        return store.get(requestId);
    }

    private void save(RequestState state) {
        store.put(state);
    }

    private void audit(AuditEvent event) {
        context.forward(new Record<>(event.requestId(), event.toBytes(), context.currentSystemTimeMs()), auditSink);
        deps.metrics().recordAudit(event.type());
    }
}
