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
        return new RegistryError(422, 42205, "Subject " + subject + " is in read-only mode");
    }

    static RegistryError referenceExists(String subject, int version) {
        return new RegistryError(422, 42206, "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject="
                + subject + ",version=" + version + "}.");
    }

    static RegistryError invalidSubject(String subject) {
        return new RegistryError(422, 42208, "The specified subject '" + subject.replaceAll("\\p{Cntrl}", "?") + "' is not valid.");
    }

    static RegistryError invalidRuleSet(String why) {
        return new RegistryError(422, 42210, "Invalid rule set: " + why);
    }

    static RegistryError incompatible(String subject, List<String> problems) {
        return new RegistryError(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                + subject + "\", details: " + String.join("; ", problems));
    }
}
