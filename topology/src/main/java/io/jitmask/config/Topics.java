package io.jitmask.config;

import java.util.regex.Pattern;

/** Topic naming conventions shared by every part of jitmask. */
public final class Topics {
    public static final String APPROVALS = "jit.approvals";
    public static final String GRANTS = "jit.grants";
    public static final String AUDIT = "jit.audit";
    public static final String DLQ = "jit.dlq";
    /** Side effects the lifecycle asks for (key requestId); only jitmask reads and writes it. */
    public static final String GRANT_COMMANDS = "jit.grant-commands";
    /** Outcomes of those side effects and closed ledger entries (key requestId, partitioned as jit.approvals). */
    public static final String GRANT_RESULTS = "jit.grant-results";
    public static final String SCHEMAS = "_schemas";
    /** Every field path of every dataset that was ever sensitive (compacted; read back as a global store). */
    public static final String CLASSIFICATION = "jit.classification";
    /**
     * Approvers' registered WebAuthn credentials (passkeys), key = credential id (base64url), compacted, one
     * partition: read whole by every control-plane instance (global store {@code webauthn-credentials}).
     */
    public static final String CREDENTIALS = "jit.credentials";

    public static final String RAW_PREFIX = "raw.";
    public static final String MASKED_PREFIX = "masked.";
    public static final String GRANT_PREFIX = "grant.";

    /** Dataset names and request ids become parts of topic names, so both are restricted to what Kafka allows. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    private Topics() {
    }

    public static String raw(String dataset) {
        return RAW_PREFIX + requireName("dataset", dataset);
    }

    public static String masked(String dataset) {
        return MASKED_PREFIX + requireName("dataset", dataset);
    }

    public static String grant(String dataset, String requestId) {
        return GRANT_PREFIX + requireName("dataset", dataset) + "." + requireName("requestId", requestId);
    }

    /** Key of a grant on {@link #GRANTS}: prefix-scannable by dataset. */
    public static String grantKey(String dataset, String requestId) {
        return requireName("dataset", dataset) + "/" + requireName("requestId", requestId);
    }

    public static String datasetOfRaw(String rawTopic) {
        if (!rawTopic.startsWith(RAW_PREFIX)) {
            throw new IllegalArgumentException("not a raw topic: " + rawTopic);
        }
        return rawTopic.substring(RAW_PREFIX.length());
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static String requireName(String what, String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException(what + " must match " + NAME.pattern() + ", got '" + name + "'");
        }
        return name;
    }
}
