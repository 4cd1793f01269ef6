package io.jitmask.registry.server;

import java.util.List;

/** A refusal in Confluent's shape: HTTP status plus {@code {"error_code": ..., "message": ...}}, codes as Confluent's. */
final class RegistryError extends RuntimeException {
    final int status;
    final int code;

    RegistryError(int status, int code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /**
     * The answer to a request that failed otherwise: a cancelled check (the thread interrupted) as Confluent's
     * request timeout answers it, HTTP 504 "Request timed out"; anything else Confluent's store error, 50001.
     */
    static RegistryError of(RuntimeException failure) {
        if (failure instanceof java.util.concurrent.CancellationException) {
            return new RegistryError(504, 504, "Request timed out");
        }
        return new RegistryError(500, 50001, "Error in the backend data store");
    }

    static RegistryError subjectNotFound(String subject) {
        return new RegistryError(404, 40401, "Subject '" + subject + "' not found.");
    }

    static RegistryError versionNotFound(Object version) {
        return new RegistryError(404, 40402, "Version " + version + " not found.");
    }

    static RegistryError schemaNotFound() {
        return new RegistryError(404, 40403, "Schema not found");
    }

    static RegistryError invalidSchema(String why) {
        return new RegistryError(422, 42201, "Invalid schema: " + why);
    }

    /** 42201 with Confluent's own message (for refusals Confluent words without the "Invalid schema" prefix). */
    static RegistryError invalidSchemaPlain(String message) {
        return new RegistryError(422, 42201, message);
    }

    static RegistryError invalidVersion(String version) {
        return new RegistryError(422, 42202, "The specified version '" + version
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    static RegistryError invalidCompatibility(String level) {
        return new RegistryError(422, 42203, "Invalid compatibility level. Valid values are none, backward, forward, full,"
                + " backward_transitive, forward_transitive, and full_transitive; got '" + level + "'");
    }

    static RegistryError invalidMode(String mode) {
        return new RegistryError(422, 42204, "Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT;"
                + " got '" + mode + "'");
    }

    static RegistryError readOnly(String subject) {
        return notPermitted(subject, "is in read-only mode");
    }

    /**
     * 42205 as Confluent 8 words it: "Subject s in context c ...", the context written {@code :.ctx:} and empty for
     * the default one.
     */
    static RegistryError notPermitted(String subject, String what) {
        String context = SchemaStore.contextOf(subject);
        return new RegistryError(422, 42205, "Subject " + subject + " in context "
                + (".".equals(context) ? "" : ":" + context + ":") + " " + what);
    }

    static RegistryError referenceExists(String subject, int version) {
        return new RegistryError(422, 42206, "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject="
                + subject + ",version=" + version + "}.");
    }

    static RegistryError invalidSubject(String subject) {
        return new RegistryError(422, 42208, "The specified subject '" + subject.replaceAll("\\p{Cntrl}", "?") + "' is not valid.");
    }

    /** 42210 with Confluent's message: its {@code RuleException}'s, as is. */
    static RegistryError invalidRuleSet(String why) {
        return new RegistryError(422, 42210, why);
    }

    /** 409 with Confluent 8's code 40901 (7.x answered 409) and its message: the problems as a list. */
    static RegistryError incompatible(String subject, List<String> problems) {
        return new RegistryError(409, 40901, "Schema being registered is incompatible with an earlier schema for subject \""
                + subject + "\", details: " + problems);
    }
}
