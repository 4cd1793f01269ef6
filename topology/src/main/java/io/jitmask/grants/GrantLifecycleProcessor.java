package io.jitmask.grants;

import com.fasterxml.jackson.databind.JsonNode;
import io.jitmask.approval.ApprovalEvent;
import io.jitmask.approval.Keyring;
import io.jitmask.approval.Rejection;
import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import io.jitmask.ops.JitmaskMetrics;
import io.jitmask.webauthn.PasskeyDirectory;
import io.jitmask.webauthn.Passkeys;
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
 * {@link LifecycleLimits#pruneHorizon()}, and events older than it are refused ({@code STALE}). A checked request
 * waits ADMITTING for the per-requester limit, which {@link AdmissionProcessor} counts over every partition: ADMIT
 * out, its answer in (then REQUESTED or TOO_MANY_PENDING is audited), RELEASE out whenever a request leaves PENDING.
 */
public final class GrantLifecycleProcessor implements Processor<String, byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(GrantLifecycleProcessor.class);
    public static final String AUTO_APPROVER = "jitmask-auto-approval";

    /** What the lifecycle needs besides its stores. Side effects are commands on {@code jit.grant-commands}. */
    public record Deps(ApprovalValidator validator, boolean manageAcls, Duration requestTtl, Duration deleteGrace,
                       JitmaskMetrics metrics, ControlBudget budget, Passkeys passkeys) {
        public Deps(ApprovalValidator validator, boolean manageAcls, Duration requestTtl, Duration deleteGrace) {
            this(validator, manageAcls, requestTtl, deleteGrace, JitmaskMetrics.none());
        }

        public Deps(ApprovalValidator validator, boolean manageAcls, Duration requestTtl, Duration deleteGrace,
                    JitmaskMetrics metrics) {
            this(validator, manageAcls, requestTtl, deleteGrace, metrics, ControlBudget.NONE);
        }

        /** Without passkeys: an approval that carries an assertion, or a request that requires one, is refused. */
        public Deps(ApprovalValidator validator, boolean manageAcls, Duration requestTtl, Duration deleteGrace,
                    JitmaskMetrics metrics, ControlBudget budget) {
            this(validator, manageAcls, requestTtl, deleteGrace, metrics, budget, null);
        }
    }

    /**
     * Names of the lifecycle's stores and sinks in the topology; {@code answersTopic} is the (undecorated) name of the
     * admission answers' topic, which Kafka Streams prefixes with the application id.
     */
    public record Names(String requestsStore, String deadlinesStore, String countersStore, String orderStore,
                        String progressStore, String grantsSink, String auditSink, String commandsSink,
                        String credentialsStore, String signCountsStore, String heldStore, String admissionSink,
                        String answersTopic) {
    }

    /** Events held for a request waiting for admission, at most: a reviewer's answer or two; more are refused. */
    static final int MAX_HELD = 8;

    /** Deadlines handled per punctuation at most, so a backlog (a mass expiry, a first pruning) never stalls the thread. */
    static final int MAX_DUE_PER_PUNCTUATION = 5_000;

    private final Deps deps;
    private final LifecycleLimits limits;
    private final Names names;
    private ProcessorContext<String, byte[]> context;
    private LifecycleStore store;
    private KeyValueStore<String, byte[]> progressStore;
    private KeyValueStore<String, byte[]> heldStore;
    /** False until this task's pending counts went to admission: on its first record or punctuation. */
    private boolean admissionSeeded;
    private GrantResultHandler results;
    private PasskeyApprovals passkeyApprovals;
    /** Set by {@code init()}: the first punctuation takes up ends an earlier release left (see resumeEarlierEnds). */
    private boolean resumeEarlierEnds;

    public GrantLifecycleProcessor(Deps deps, LifecycleLimits limits, Names names) {
        this.deps = deps;
        this.limits = limits;
        this.names = names;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        KeyValueStore<String, byte[]> requests = context.getStateStore(names.requestsStore());
        KeyValueStore<String, String> deadlines = context.getStateStore(names.deadlinesStore());
        KeyValueStore<String, Long> counters = context.getStateStore(names.countersStore());
        KeyValueStore<String, String> order = context.getStateStore(names.orderStore());
        this.store = new LifecycleStore(requests, deadlines, counters, order, limits);
        if (store.rebuildIfNeeded()) {
            LOG.info("built the lifecycle's deadline index and counters for task {}", context.taskId());
        }
        this.progressStore = context.getStateStore(names.progressStore());
        this.heldStore = context.getStateStore(names.heldStore());
        this.admissionSeeded = store.admissionSeeded();
        this.results = new GrantResultHandler(new Outputs(), deps);
        this.passkeyApprovals = new PasskeyApprovals(deps.passkeys(),
                new PasskeyDirectory(context.getStateStore(names.credentialsStore())),
                context.getStateStore(names.signCountsStore()));
        // Side effects under way need nothing here: their commands are on jit.grant-commands, and the workers that
        // own those partitions carry them out and post their results, which this task reads from its offsets on. A
        // lookback grant's catch-up lives in the masking tasks' ledgers, which report on jit.grant-results too.
        resumeEarlierEnds = true;
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::endDue);
    }

    /**
     * Requests left ENDING by a release before the command log (no {@code grant-progress} entry: every end this
     * release starts writes one in the same transaction) never get a result, since no command was ever written for
     * them. On the task's first punctuation (records cannot be forwarded from {@code init()}) their end is taken up
     * again: the grant re-published ENDING (idempotent), the access withdrawal commanded, and the copies counted on
     * the topic before it is deleted. Their REVOKE_ACCEPTED or EXPIRY_DETECTED was audited by that release; who
     * revoked was not kept then, so their REVOKED names the end reason only.
     */
    void resumeEarlierEnds(Instant now) {
        for (RequestState state : states()) {
            if (state.status() != RequestState.Status.ENDING || progressStore.get(state.requestId()) != null) {
                continue;
            }
            boolean revoked = "REVOKED".equals(state.endReason());
            saveProgress(state.requestId(), GrantProgress.NONE.endedByEarlierRelease("jitmask",
                    (revoked ? "revoked" : "expired") + " before an upgrade; its end resumed by this release"));
            String topic = state.topic() != null ? state.topic() : Topics.grant(state.dataset(), state.requestId());
            context.forward(new Record<>(Topics.grantKey(state.dataset(), state.requestId()),
                    GrantJson.toBytes(grantOf(state, Grant.ACTIVE).ending()), context.currentSystemTimeMs()),
                    names.grantsSink());
            command(GrantCommand.withdrawAccess(state.requestId(), state.dataset(), topic, state.grantee(),
                    deps.manageAcls()));
            LOG.info("resumed the end of {}, left ENDING by an earlier release", state.requestId());
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    /**
     * A store written before admission existed holds pending requests that admission has not counted: this task sends
     * their count per requester once, before any RELEASE it sends (same partition of the admission topic, same
     * producer, so in order), in the transaction that marks it sent. Records cannot be forwarded from {@code init()}.
     */
    private void seedAdmission() {
        if (admissionSeeded) {
            return;
        }
        admissionSeeded = true;
        store.pendingByRequester().forEach((requester, count) -> {
            context.forward(new Record<>(requester, AdmissionCommand.count(requester, count).toBytes(),
                    context.currentSystemTimeMs()), names.admissionSink());
            LOG.info("seeded admission with {} pending requests of a requester from task {}", count, context.taskId());
        });
        store.markAdmissionSeeded();
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Instant now = now();
        seedAdmission();
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        if (Topics.GRANT_RESULTS.equals(topic)) {
            results.handle(record.key(), record.value(), now);
            return;
        }
        if (topic.endsWith(names.answersTopic())) {
            answered(AdmissionAnswer.fromBytes(record.value()), now);
            return;
        }
        // Results above are never held back: they finish grants already under way. New events wait while masking lags.
        deps.budget().acquire();
        handle(record.key(), record.value(), now());
    }

    /** One signed event of jit.approvals: checked, applied and audited, or refused and audited. */
    private void handle(String key, byte[] value, Instant now) {
        ApprovalEvent event;
        try {
            event = ApprovalEvent.parse(key, value);
        } catch (Rejection rejection) {
            String requestId = Topics.isValidName(key) ? key : "unknown";
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
            if (state != null && state.status() == RequestState.Status.ADMITTING) {
                hold(state.requestId(), value);
                return;
            }
            switch (event.type()) {
                case REQUESTED -> requested(event, actor, state, now);
                case APPROVED -> {
                    if (decidesExtension(state)) {
                        approvedExtension(event, actor, state, now);
                    } else {
                        approved(event, actor, state, now);
                    }
                }
                case DENIED -> {
                    if (decidesExtension(state)) {
                        deniedExtension(event, actor, state, now);
                    } else {
                        denied(event, actor, state, now);
                    }
                }
                case EXTEND_REQUESTED -> extendRequested(event, actor, state, now);
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
        // Checked: the per-requester limit, counted by the admission task over every partition, decides the rest
        // (answered() below). Nothing is audited until then.
        save(state.withStatus(RequestState.Status.ADMITTING));
        context.forward(new Record<>(state.requester(), AdmissionCommand.admit(state.requester(), state.requestId(),
                context.taskId().partition()).toBytes(), context.currentSystemTimeMs()), names.admissionSink());
    }

    /**
     * An event of a request still waiting for admission (a reviewer's answer posted right behind the request): kept,
     * in order and in this task's store (so a kill loses none), and processed once the request is admitted or
     * refused. Authenticated first, so nobody else's events can fill the few places.
     */
    private void hold(String requestId, byte[] value) {
        List<String> held = new java.util.ArrayList<>(heldEvents(requestId));
        if (held.size() >= MAX_HELD) {
            throw new Rejection(Rejection.Reason.ADMISSION_PENDING, "the request waits for admission and already has "
                    + MAX_HELD + " events held");
        }
        held.add(new String(value, java.nio.charset.StandardCharsets.UTF_8));
        heldStore.put(requestId, HeldEvents.toBytes(held));
    }

    private List<String> heldEvents(String requestId) {
        byte[] bytes = heldStore.get(requestId);
        return bytes == null ? List.of() : HeldEvents.fromBytes(bytes);
    }

    /**
     * The admission task's answer: admitted, the request is pending (audited REQUESTED, and auto-approved when the
     * rules allow); refused, it is audited REJECTED ({@code TOO_MANY_PENDING}) and left nowhere, as a refused event
     * always was. Then the events held for it are processed, in the order they came.
     */
    private void answered(AdmissionAnswer answer, Instant now) {
        RequestState state = load(answer.requestId());
        if (state == null || state.status() != RequestState.Status.ADMITTING) {
            // Cannot happen under exactly-once (one ADMIT per request, one answer per ADMIT); never count twice.
            LOG.warn("admission answer for {} that is not waiting for one", answer.requestId());
            return;
        }
        List<String> held = heldEvents(answer.requestId());
        if (!held.isEmpty()) {
            heldStore.delete(answer.requestId());
        }
        if (answer.type() == AdmissionAnswer.Type.ADMITTED) {
            admitted(state.withStatus(RequestState.Status.PENDING), now);
        } else {
            store.prune(state);
            audit(AuditEvent.of(AuditEvent.Type.REJECTED, state.requestId(), now).actor(state.requester())
                    .reason(Rejection.Reason.TOO_MANY_PENDING.name()).detail(ApprovalEvent.Type.REQUESTED + ": "
                            + state.requester() + " already has " + answer.pending()
                            + " pending requests, the most allowed (" + answer.limit() + ")").build());
        }
        for (String event : held) {
            handle(answer.requestId(), event.getBytes(java.nio.charset.StandardCharsets.UTF_8), now);
        }
    }

    private void admitted(RequestState state, Instant now) {
        save(state);
        audit(base(AuditEvent.Type.REQUESTED, state, now).actor(state.requester()).justification(state.justification())
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
        PasskeyApprovals.Verified passkey = passkeyApprovals.check(event, actor, state);
        RequestState updated = state.withApproval(approval, event.signature());
        save(updated);
        passkeyApprovals.remember(passkey);
        audit(base(AuditEvent.Type.APPROVED, updated, now).actor(actor.name()).comment(approval.comment())
                .approvers(updated.approverNames())
                .detail(passkey == null ? null : "with passkey " + passkey.credentialId()).build());
        if (updated.approvals().size() >= updated.requirement().approvers()) {
            activate(updated, now);
        }
    }

    private void denied(ApprovalEvent event, Keyring.Actor actor, RequestState state, Instant now) {
        deps.validator().deny(actor, state);
        save(state.withSignatureSeen(event.signature()).ended(RequestState.Status.DENIED, now, event.string("reason")));
        audit(base(AuditEvent.Type.DENIED, state, now).actor(actor.name()).reason(event.string("reason")).build());
    }

    /** APPROVED and DENIED of a live grant with an extension waiting decide that extension. */
    private static boolean decidesExtension(RequestState state) {
        return state != null && state.status() == RequestState.Status.ACTIVE && state.pendingExtension() != null;
    }

    private void extendRequested(ApprovalEvent event, Keyring.Actor actor, RequestState state, Instant now) {
        RequestState.Extension extension = deps.validator().extension(event, actor, state, now);
        RequestState asked = state.withExtension(extension, event.signature());
        save(asked);
        audit(base(AuditEvent.Type.EXTEND_REQUESTED, asked, now).actor(actor.name())
                .justification(extension.justification()).durationSeconds(extension.seconds())
                .expiresAt(state.expiresAt()).topic(state.topic()).detail(extensionDetail(extension)).build());
        if (deps.validator().autoApprovesExtension(asked, extension, store.activeGrantsOf(state.grantee()), now)) {
            RequestState.Extension approved = extension.withApproval(
                    new RequestState.Approval(AUTO_APPROVER, now, null, true));
            audit(base(AuditEvent.Type.EXTEND_APPROVED, asked, now).actor(AUTO_APPROVER)
                    .approvers(approved.approverNames()).detail(extensionDetail(extension)
                            + " approved within the policy's automated risk rules").build());
            extend(asked, approved, now);
        }
    }

    private void approvedExtension(ApprovalEvent event, Keyring.Actor actor, RequestState state, Instant now) {
        RequestState.Approval approval = deps.validator().approveExtension(event, actor, state);
        PasskeyApprovals.Verified passkey = passkeyApprovals.check(event, actor, state, state.pendingExtension().digest());
        RequestState.Extension extension = state.pendingExtension().withApproval(approval);
        RequestState updated = state.withExtension(extension, event.signature());
        save(updated);
        passkeyApprovals.remember(passkey);
        audit(base(AuditEvent.Type.EXTEND_APPROVED, updated, now).actor(actor.name()).comment(approval.comment())
                .approvers(extension.approverNames()).detail(extensionDetail(extension)
                        + (passkey == null ? "" : " with passkey " + passkey.credentialId())).build());
        if (extension.approvals().size() >= updated.requirement().approvers()) {
            extend(updated, extension, now);
        }
    }

    private void deniedExtension(ApprovalEvent event, Keyring.Actor actor, RequestState state, Instant now) {
        deps.validator().denyExtension(actor, state);
        RequestState.Extension extension = state.pendingExtension();
        save(state.withExtension(extension.decided(RequestState.Extension.Status.DENIED, now), event.signature()));
        audit(base(AuditEvent.Type.EXTEND_DENIED, state, now).actor(actor.name()).reason(event.string("reason"))
                .detail(extensionDetail(extension)).build());
    }

    /**
     * The grant lives longer: its expiresAt moves (the deadline index follows in {@link LifecycleStore#put}), and the
     * same grant, ACTIVE with the new expiresAt, is published under the same key. Nothing is provisioned again: the
     * topic, the ACL and the ledger entries of the grant carry on, and the masking path copies until the new time.
     */
    private void extend(RequestState state, RequestState.Extension approved, Instant now) {
        RequestState extended = state.extended(approved.decided(RequestState.Extension.Status.APPROVED, now));
        save(extended);
        context.forward(new Record<>(Topics.grantKey(extended.dataset(), extended.requestId()),
                GrantJson.toBytes(grantOf(extended, Grant.ACTIVE)), context.currentSystemTimeMs()), names.grantsSink());
        audit(base(AuditEvent.Type.GRANT_EXTENDED, extended, now).actor(approved.actor())
                .approvers(approved.approverNames()).durationSeconds(approved.seconds()).expiresAt(extended.expiresAt())
                .topic(extended.topic()).detail(extensionDetail(approved) + ": " + state.expiresAt() + " -> "
                        + extended.expiresAt() + ", " + (extended.durationSeconds() + extended.extendedSeconds())
                        + " seconds in all").build());
    }

    private static String extensionDetail(RequestState.Extension extension) {
        return "extension " + extension.extensionId() + " by " + extension.seconds() + " seconds";
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

    /**
     * Approved: asks a worker to create the topic, then the ACL (command PROVISION). The grant is published ACTIVE
     * and audited only when the worker reports both exist (result PROVISIONED, {@link GrantResultHandler}): a grantee
     * never sees a grant it cannot read, and no Admin call runs on the stream thread.
     */
    private void activate(RequestState state, Instant now) {
        String topic = Topics.grant(state.dataset(), state.requestId());
        // The longest the grant may live with extensions: an extension never needs the topic changed.
        long retentionMs = Duration.ofSeconds(deps.validator().maxTotalSeconds(state)).plus(deps.deleteGrace()).toMillis()
                + 60_000;
        save(state.activating(topic));
        command(GrantCommand.provision(state.requestId(), state.dataset(), topic, Topics.raw(state.dataset()),
                state.grantee(), deps.manageAcls(), retentionMs));
    }

    static Grant grantOf(RequestState state, String status) {
        return new Grant(state.requestId(), state.dataset(), state.grantee(), state.fields(), filter(state),
                state.topic(), state.requester(), state.approverNames(), state.justification(), state.activatedAt(),
                state.expiresAt(), status, state.lookbackSeconds());
    }

    private static GrantFilter filter(RequestState state) {
        try {
            return GrantJson.MAPPER.treeToValue(state.filter(), GrantFilter.class);
        } catch (Exception e) {
            throw new IllegalStateException("stored filter unreadable", e);
        }
    }

    /**
     * The first step of an end, in this transaction: the grant is published ENDING (no masking task copies for it
     * any more, and each closes its ledger entry for it), the end is audited, and a worker is asked to withdraw the
     * grantee's access. Who ended it and why are kept in {@code grant-progress} for the final events, whatever
     * restarts happen meanwhile. The rest follows from the results ({@link GrantResultHandler}).
     */
    private void end(RequestState state, Instant now, boolean revoked, String actor, String reason) {
        RequestState ending = state.ended(RequestState.Status.ENDING, now, revoked ? "REVOKED" : "EXPIRED");
        save(ending);
        saveProgress(state.requestId(), progress(state.requestId()).ending(revoked ? actor : "jitmask", reason));
        String topic = state.topic() != null ? state.topic() : Topics.grant(state.dataset(), state.requestId());
        context.forward(new Record<>(Topics.grantKey(state.dataset(), state.requestId()),
                GrantJson.toBytes(grantOf(state.status() == RequestState.Status.ACTIVATING ? state.activating(topic) : state,
                        Grant.ACTIVE).ending()), context.currentSystemTimeMs()), names.grantsSink());
        audit(base(revoked ? AuditEvent.Type.REVOKE_ACCEPTED : AuditEvent.Type.EXPIRY_DETECTED, ending, now)
                .actor(revoked ? actor : "jitmask").reason(reason).topic(topic).expiresAt(state.expiresAt()).build());
        command(GrantCommand.withdrawAccess(state.requestId(), state.dataset(), topic, state.grantee(), deps.manageAcls()));
    }

    /**
     * Punctuation: expire grants and unanswered requests whose time is up, confirm ended grants and prune finished
     * requests. Reads only the deadlines up to now, never the whole store.
     */
    void endDue(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        seedAdmission();
        if (resumeEarlierEnds) {
            resumeEarlierEnds = false;
            resumeEarlierEnds(now);
        }
        for (LifecycleStore.Due due : store.due(now, MAX_DUE_PER_PUNCTUATION)) {
            RequestState state = load(due.requestId());
            if (store.dropIfStale(due, state)) {
                continue;
            }
            switch (state.status()) {
                case ACTIVE -> end(state, now, false, "jitmask", "expired at " + state.expiresAt());
                case PENDING -> {
                    save(state.ended(RequestState.Status.REQUEST_EXPIRED, now, "not approved in time"));
                    audit(base(AuditEvent.Type.REQUEST_EXPIRED, state, now).actor("jitmask")
                            .detail("not approved within " + limits.requestTtl().toSeconds() + " seconds").build());
                }
                // ADMITTING, ACTIVATING and ENDING have no deadline: the admission answer and the workers' results
                // move them on (GrantResultHandler).
                case ADMITTING, ACTIVATING, ENDING -> { }
                default -> {
                    store.prune(state);
                    progressStore.delete(state.requestId());
                    deps.metrics().recordPruned();
                }
            }
        }
    }

    private List<RequestState> states() {
        return store.all();
    }

    static AuditEvent.Builder base(AuditEvent.Type type, RequestState state, Instant now) {
        JsonNode filter = state.filter() == null || state.filter().isEmpty() ? null : state.filter();
        return AuditEvent.of(type, state.requestId(), now).dataset(state.dataset()).grantee(state.grantee())
                .fields(state.fields()).filter(filter);
    }

    private RequestState load(String requestId) {
        return store.get(requestId);
    }

    /**
     * Saves a request; a request that leaves PENDING (approved, auto-approved, denied, withdrawn, expired) gives its
     * place back to admission, in this same transaction.
     */
    private void save(RequestState state) {
        RequestState previous = store.get(state.requestId());
        store.put(state);
        if (previous != null && previous.status() == RequestState.Status.PENDING
                && state.status() != RequestState.Status.PENDING) {
            context.forward(new Record<>(state.requester(), AdmissionCommand.release(state.requester(),
                    state.requestId()).toBytes(), context.currentSystemTimeMs()), names.admissionSink());
        }
    }

    private void audit(AuditEvent event) {
        context.forward(new Record<>(event.requestId(), event.toBytes(), context.currentSystemTimeMs()), names.auditSink());
        deps.metrics().recordAudit(event.type());
    }

    private void command(GrantCommand command) {
        context.forward(new Record<>(command.requestId(), command.toBytes(), context.currentSystemTimeMs()),
                names.commandsSink());
    }

    private GrantProgress progress(String requestId) {
        byte[] bytes = progressStore.get(requestId);
        return bytes == null ? GrantProgress.NONE : GrantProgress.fromBytes(bytes);
    }

    private void saveProgress(String requestId, GrantProgress progress) {
        progressStore.put(requestId, progress.toBytes());
    }

    /** What the result handler may read and write: this task's stores and sinks, in this task's transaction. */
    private final class Outputs implements GrantResultHandler.Outputs {
        @Override
        public RequestState load(String requestId) {
            return GrantLifecycleProcessor.this.load(requestId);
        }

        @Override
        public void save(RequestState state) {
            GrantLifecycleProcessor.this.save(state);
        }

        @Override
        public GrantProgress progress(String requestId) {
            return GrantLifecycleProcessor.this.progress(requestId);
        }

        @Override
        public void saveProgress(String requestId, GrantProgress progress) {
            GrantLifecycleProcessor.this.saveProgress(requestId, progress);
        }

        @Override
        public void forgetProgress(String requestId) {
            progressStore.delete(requestId);
        }

        @Override
        public void publish(String grantKey, Grant grant) {
            context.forward(new Record<>(grantKey, grant == null ? null : GrantJson.toBytes(grant),
                    context.currentSystemTimeMs()), names.grantsSink());
        }

        @Override
        public void audit(AuditEvent event) {
            GrantLifecycleProcessor.this.audit(event);
        }

        @Override
        public void command(GrantCommand command) {
            GrantLifecycleProcessor.this.command(command);
        }
    }
}
