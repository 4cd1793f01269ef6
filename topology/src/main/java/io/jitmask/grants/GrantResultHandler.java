package io.jitmask.grants;

import io.jitmask.audit.AuditEvent;
import io.jitmask.config.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the results of grant side effects ({@code jit.grant-results}) into state changes of the lifecycle, in the
 * lifecycle task's exactly-once transaction. A result counts only when its request waits for it: workers post at
 * least once and may post again after a handover, so each state change, and the audit events it writes, happens
 * exactly once.
 *
 * <p>Activation: PROVISIONED makes an ACTIVATING request ACTIVE (grant published, ACTIVATED audited).
 * <br>End: once the ACL is withdrawn (ACCESS_WITHDRAWN) and every raw partition's ledger is closed (LEDGER_CLOSED
 * from each masking task), the grant is tombstoned and the topic's deletion asked for; TOPIC_DELETED then writes
 * DISCLOSURE_SUMMARY (from the ledger), REVOKED or EXPIRED, and TOPIC_DELETED, and the request is ENDED. The
 * topic is gone before REVOKED/EXPIRED is written, and no copy can land after it: every task closed its ledger.
 */
final class GrantResultHandler {
    private static final Logger LOG = LoggerFactory.getLogger(GrantResultHandler.class);

    /** The lifecycle task's stores and sinks. */
    interface Outputs {
        RequestState load(String requestId);

        void save(RequestState state);

        GrantProgress progress(String requestId);

        void saveProgress(String requestId, GrantProgress progress);

        void forgetProgress(String requestId);

        /** Publishes a grant on jit.grants, or tombstones it when {@code grant} is null. */
        void publish(String grantKey, Grant grant);

        void audit(AuditEvent event);

        void command(GrantCommand command);
    }

    private final Outputs out;
    private final GrantLifecycleProcessor.Deps deps;

    GrantResultHandler(Outputs out, GrantLifecycleProcessor.Deps deps) {
        this.out = out;
        this.deps = deps;
    }

    void handle(String key, byte[] value, Instant now) {
        GrantResult result;
        try {
            result = GrantResult.fromBytes(value);
        } catch (IllegalArgumentException e) {
            // Only jitmask writes jit.grant-results; anything unreadable there is skipped, never trusted.
            LOG.warn("skipping an unreadable grant result for {}: {}", Topics.isValidName(key) ? key : "?", e.getMessage());
            return;
        }
        for (GrantResult one : result.unbatched()) {
            handle(one, now);
        }
    }

    private void handle(GrantResult result, Instant now) {
        RequestState state = out.load(result.requestId());
        if (state == null) {
            return;
        }
        switch (result.type()) {
            case PROVISIONED -> provisioned(state, result, now);
            case PROVISION_FAILED -> provisionFailed(state, result, now);
            case ACCESS_WITHDRAWN -> {
                if (state.status() == RequestState.Status.ENDING) {
                    maybeDelete(state, out.progress(state.requestId()).accessGone(), now);
                }
            }
            case LEDGER_CLOSED -> {
                if (state.status() == RequestState.Status.ENDING && result.partition() != null) {
                    maybeDelete(state, out.progress(state.requestId()).withClosed(result.partition(), result.ledgerEntry()), now);
                }
            }
            case TOPIC_DELETED -> topicDeleted(state, result, now);
            case COMMAND_FAILING -> failing(state, result, now);
            case CATCH_UP_STARTED, CATCH_UP_PROGRESS, CATCH_UP_COMPLETED, CATCH_UP_STOPPED -> catchUp(state, result);
            case BATCH -> throw new IllegalStateException("a batch in a batch"); // fromBytes refuses them
            default -> throw new IllegalStateException();
        }
    }

    private void provisioned(RequestState state, GrantResult result, Instant now) {
        int partitions = result.partitions() == null ? 0 : result.partitions();
        if (state.status() == RequestState.Status.ENDING) {
            // Revoked while its topic was being provisioned: the end needs the partition count of its ledger.
            maybeDelete(state, out.progress(state.requestId()).withPartitions(partitions), now);
            return;
        }
        if (state.status() != RequestState.Status.ACTIVATING) {
            return;
        }
        out.saveProgress(state.requestId(), out.progress(state.requestId()).withPartitions(partitions));
        RequestState active = state.activated(now, now.plusSeconds(state.durationSeconds()), state.topic());
        out.save(active);
        if (!deps.manageAcls()) {
            out.audit(GrantLifecycleProcessor.base(AuditEvent.Type.ACL_NOT_ENFORCED, active, now).topic(active.topic())
                    .detail("jitmask.acls.enabled=false: the broker does not restrict who reads the grant topic").build());
        }
        Grant grant = GrantLifecycleProcessor.grantOf(active, Grant.ACTIVE);
        out.publish(grant.key(), grant);
        out.audit(GrantLifecycleProcessor.base(AuditEvent.Type.ACTIVATED, active, now).topic(active.topic())
                .approvers(active.approverNames()).durationSeconds(active.durationSeconds())
                .lookbackSeconds(active.lookbackSeconds()).expiresAt(active.expiresAt()).build());
        if (!active.approvals().isEmpty()) {
            deps.metrics().recordActivation(active.approvals().get(active.approvals().size() - 1).at(), now);
        }
    }

    private void provisionFailed(RequestState state, GrantResult result, Instant now) {
        if (state.status() == RequestState.Status.ACTIVATING) {
            out.save(state.ended(RequestState.Status.FAILED, now, "activation failed"));
            // Only failure reports were kept for it (see failing()); nothing else waits for them.
            out.forgetProgress(state.requestId());
            out.audit(GrantLifecycleProcessor.base(AuditEvent.Type.ACTIVATION_FAILED, state, now).topic(state.topic())
                    .detail("could not create the grant topic or its ACL (" + result.error() + ")").build());
        } else if (state.status() == RequestState.Status.ENDING) {
            // Revoked while provisioning failed for good: there is no topic, so no ledger to wait for.
            maybeDelete(state, out.progress(state.requestId()).withPartitions(0), now);
        }
    }

    /** Once access is gone and every partition's ledger closed: tombstone, then the topic's deletion. */
    private void maybeDelete(RequestState state, GrantProgress progress, Instant now) {
        if (progress.accessWithdrawn() && progress.ledgerComplete() && !progress.deleteRequested()) {
            out.publish(Topics.grantKey(state.dataset(), state.requestId()), null);
            // The grace runs from the moment the last copy is known committed: the copies stay readable (by no one
            // but jitmask and its auditors: the ACL is gone) for that long, whatever restarts delayed the end.
            Instant notBefore = now.plus(deps.deleteGrace());
            out.command(GrantCommand.deleteTopic(state.requestId(), state.dataset(), state.topic(), notBefore,
                    countsTopic(state, progress)));
            progress = progress.deleting();
        }
        out.saveProgress(state.requestId(), progress);
    }

    private void topicDeleted(RequestState state, GrantResult result, Instant now) {
        if (state.status() != RequestState.Status.ENDING) {
            return;
        }
        GrantProgress progress = out.progress(state.requestId());
        if (!progress.deleteRequested()) {
            return;
        }
        boolean revoked = "REVOKED".equals(state.endReason());
        AuditEvent.Builder summary = AuditEvent.of(AuditEvent.Type.DISCLOSURE_SUMMARY, state.requestId(), now)
                .dataset(state.dataset()).grantee(state.grantee()).fields(state.fields()).topic(state.topic());
        if (countsTopic(state, progress)) {
            // A grant ended by an earlier release copied before the ledger existed: the worker counted its topic.
            summary.records(result.records() == null ? 0L : result.records()).sourceOffsets(
                    result.sourceOffsets() == null ? java.util.Map.of() : result.sourceOffsets());
        } else {
            // Every grant, lookback or not: live and past copies are all in the ledger, counted in their transaction.
            summary.records(progress.records()).sourceOffsets(progress.sourceOffsets())
                    .windowFrom(progress.firstDisclosed()).windowTo(progress.lastDisclosed());
        }
        if (state.lookbackSeconds() != null && !progress.backfillOrNone().endAudited()) {
            // Some partition never reported the end of its catch-up (the grant ended before every task saw it).
            GrantProgress.Backfill backfill = progress.backfillOrNone();
            out.audit(backfillEvent(AuditEvent.Type.BACKFILL_STOPPED, state, now).records(backfill.copied())
                    .sourceOffsets(backfill.copiedOffsets()).reason("grant ended").build());
        }
        out.audit(summary.build());
        out.audit(AuditEvent.of(revoked ? AuditEvent.Type.REVOKED : AuditEvent.Type.EXPIRED, state.requestId(), now)
                .actor(revoked ? progress.endActor() : "jitmask").dataset(state.dataset()).grantee(state.grantee())
                .topic(state.topic()).reason(progress.endDetail()).build());
        out.audit(AuditEvent.of(AuditEvent.Type.TOPIC_DELETED, state.requestId(), now).dataset(state.dataset())
                .topic(state.topic()).build());
        out.save(state.ended(RequestState.Status.ENDED, state.endedAt(), state.endReason()));
        out.forgetProgress(state.requestId());
        if (!revoked && state.expiresAt() != null) {
            deps.metrics().recordRevocation(state.expiresAt(), now);
        }
    }

    /**
     * A masking task's report on a lookback grant's catch-up of one partition. The audit sees the grant as a whole:
     * BACKFILL_STARTED once every partition started (window, how far back it reached, the offsets of the window),
     * BACKFILL_PROGRESS with the copies so far, then BACKFILL_COMPLETED, or BACKFILL_STOPPED when a partition
     * stopped first (copy cutoff, end of the grant); each exactly once, whatever kills and handovers happened,
     * since the reports are written in the masking tasks' transactions and read here in the lifecycle's.
     */
    private void catchUp(RequestState state, GrantResult result) {
        boolean live = state.status() == RequestState.Status.ACTIVE || state.status() == RequestState.Status.ENDING;
        if (!live || result.partition() == null || state.lookbackSeconds() == null) {
            return;
        }
        GrantProgress progress = out.progress(state.requestId());
        GrantProgress.Backfill backfill = progress.backfillOrNone();
        if (backfill.endAudited()) {
            return;
        }
        int partitions = progress.partitions() == null ? 0 : progress.partitions();
        backfill = result.type() == GrantResult.Type.CATCH_UP_STARTED ? backfill.started(result) : backfill.report(result);
        if (!backfill.startAudited() && partitions > 0 && backfill.starts().size() >= partitions) {
            out.audit(started(state, backfill, result.at()));
            backfill = backfill.startDone();
        } else if (backfill.startAudited() && result.type() == GrantResult.Type.CATCH_UP_PROGRESS) {
            out.audit(backfillEvent(AuditEvent.Type.BACKFILL_PROGRESS, state, result.at()).records(backfill.copied())
                    .sourceOffsets(backfill.copiedOffsets()).build());
        }
        if (partitions > 0 && backfill.allEnded(partitions)) {
            List<GrantResult> stopped = backfill.latest().values().stream()
                    .filter(r -> r.type() == GrantResult.Type.CATCH_UP_STOPPED).toList();
            String unreadable = backfill.unreadable() == 0 ? null
                    : backfill.unreadable() + " records of the window could not be masked and were not copied";
            if (stopped.isEmpty()) {
                out.audit(backfillEvent(AuditEvent.Type.BACKFILL_COMPLETED, state, result.at()).records(backfill.copied())
                        .sourceOffsets(backfill.copiedOffsets()).detail(unreadable).build());
            } else {
                Instant at = stopped.stream().map(GrantResult::at).max(Instant::compareTo).orElse(result.at());
                out.audit(backfillEvent(AuditEvent.Type.BACKFILL_STOPPED, state, at).records(backfill.copied())
                        .sourceOffsets(backfill.copiedOffsets()).reason(stopped.get(0).reason()).detail(unreadable).build());
            }
            backfill = backfill.endDone();
        }
        out.saveProgress(state.requestId(), progress.withBackfill(backfill));
    }

    private static AuditEvent started(RequestState state, GrantProgress.Backfill backfill, Instant at) {
        Instant windowTo = state.activatedAt();
        Map<String, AuditEvent.OffsetRange> window = new TreeMap<>();
        Instant reachedBack = null;
        List<Integer> limited = new ArrayList<>();
        for (GrantResult start : backfill.starts().values()) {
            if (start.firstOffset() == null || start.lastOffset() == null) {
                continue;
            }
            window.put(Integer.toString(start.partition()), new AuditEvent.OffsetRange(start.firstOffset(), start.lastOffset()));
            if (start.firstTimestamp() != null && (reachedBack == null || start.firstTimestamp().isBefore(reachedBack))) {
                reachedBack = start.firstTimestamp();
            }
            if (Boolean.TRUE.equals(start.retentionLimited())) {
                limited.add(start.partition());
            }
        }
        String note = limited.isEmpty() ? null : "partitions " + limited + " start at their oldest retained record:"
                + " older records of the window are past the topic's retention and cannot be copied";
        return backfillEvent(AuditEvent.Type.BACKFILL_STARTED, state, at).windowFrom(windowTo.minusSeconds(state.lookbackSeconds()))
                .windowTo(windowTo).reachedBack(reachedBack).windowOffsets(window).detail(note).build();
    }

    private static AuditEvent.Builder backfillEvent(AuditEvent.Type type, RequestState state, Instant at) {
        return AuditEvent.of(type, state.requestId(), at).dataset(state.dataset()).grantee(state.grantee())
                .topic(state.topic()).lookbackSeconds(state.lookbackSeconds());
    }

    /** True when the summary counts the copies on the grant topic (the worker does) instead of the ledger. */
    private static boolean countsTopic(RequestState state, GrantProgress progress) {
        // Lookback grants are in the ledger too now (their catch-up copies in the masking tasks' transactions).
        return progress.countTopic();
    }

    private void failing(RequestState state, GrantResult result, Instant now) {
        if (state.status() != RequestState.Status.ACTIVATING && state.status() != RequestState.Status.ENDING) {
            return;
        }
        String command = String.valueOf(result.command());
        int attempts = result.attempts() == null ? 0 : result.attempts();
        GrantProgress progress = out.progress(state.requestId());
        if (!progress.failingIsNews(command, attempts)) {
            return;
        }
        out.saveProgress(state.requestId(), progress.failingReported(command, attempts));
        out.audit(GrantLifecycleProcessor.base(AuditEvent.Type.SIDE_EFFECT_FAILING, state, now).topic(state.topic())
                .reason(String.valueOf(result.command()))
                .detail(result.command() + " failed " + result.attempts() + " times (" + result.error()
                        + "); the worker keeps retrying").build());
    }
}
