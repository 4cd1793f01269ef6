package io.jitmask.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalEvents;
import java.security.PrivateKey;
import java.time.Instant;
import picocli.CommandLine.Command;

/** {@code jitmask revoke}: end a grant (or withdraw a request) now. */
@Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a grant or withdraw a request (signed by you).")
public final class RevokeCommand extends DecisionCommand {
    @Override
    ObjectNode event(String requestId, String actor, Instant at, String reason, PrivateKey key) {
        return ApprovalEvents.revoked(requestId, actor, at, reason, key);
    }

    @Override
    String done() {
        return "revocation posted for";
    }
}
