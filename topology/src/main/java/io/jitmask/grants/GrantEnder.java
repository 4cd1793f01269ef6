package io.jitmask.grants;

/** Finishes ending a grant outside the stream thread: access, topic and the final audit events. */
public interface GrantEnder {
    /** What is left to do once the grant's tombstone and first audit event are written. */
    record EndJob(String requestId, String dataset, String grantKey, String topic, String grantee, boolean revoked,
                  String actor, String reason, java.time.Instant expiresAt) {
        public EndJob(String requestId, String dataset, String grantKey, String topic, String grantee, boolean revoked,
                      String actor, String reason) {
            this(requestId, dataset, grantKey, topic, grantee, revoked, actor, reason, null);
        }
    }

    void end(EndJob job);

    /**
     * True once, after this ender wrote the job's final audit events: the lifecycle then marks the request ENDED,
     * so a restart does not hand the job over again (which would repeat DISCLOSURE_SUMMARY, EXPIRED or REVOKED,
     * and TOPIC_DELETED, with a summary of an already deleted topic).
     */
    default boolean confirmFinished(String requestId) {
        return false;
    }
}
