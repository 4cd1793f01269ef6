package io.jitmask.grants;

/**
 * Copies a lookback grant's records, those of its window and then live ones, to its topic, outside the stream
 * threads. The lifecycle starts one per activated lookback grant; the end worker stops it before it counts what was
 * delivered.
 */
public interface Backfiller {
    /** For grants without lookback, or an application that does not backfill. */
    Backfiller NONE = new Backfiller() {
        @Override
        public void start(String requestId, String grantKey) {
        }

        @Override
        public void stop(String requestId, String grantKey) {
        }
    };

    /**
     * Starts the backfill once the grant is visible to this instance's masking path; returns at once. The grant
     * itself is read from the index then, so an activation replayed after an aborted transaction starts one.
     */
    void start(String requestId, String grantKey);

    /** Stops the backfill of an ending grant and returns once it can write nothing more. Idempotent. */
    void stop(String requestId, String grantKey);

    /**
     * The request's lifecycle task leaves this instance (rebalance or shutdown): stop copying, and return once
     * nothing more can be written, so the instance that takes the task over resumes without a duplicate.
     */
    default void release(String requestId, String grantKey) {
        stop(requestId, grantKey);
    }
}
