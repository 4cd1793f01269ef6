package io.jitmask.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.approval.ApprovalEvents;
import java.security.PrivateKey;
import java.time.Instant;
import picocli.CommandLine.Command;

/** {@code jitmask deny}: refuse a pending request, with a reason. */
@Command(name = "deny", mixinStandardHelpOptions = true, description = "Deny a pending request (signed by you).")
public final class DenyCommand extends DecisionCommand {
    @Override
    ObjectNode event(String requestId, String actor, Instant at, String reason, PrivateKey key) {
        return ApprovalEvents.denied(requestId, actor, at, reason, key);
    }

    @Override
    String done() {
        return "denied";
    }
}
