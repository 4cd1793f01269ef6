package io.jitmask.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** A signed event about one request that carries a reason (deny, revoke). */
abstract class DecisionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ActorOptions signer;

    @Option(names = "--request", required = true, description = "The request id.")
    String requestId;

    @Option(names = "--reason", required = true, description = "Why; goes into the audit trail.")
    String reason;

    abstract ObjectNode event(String requestId, String actor, Instant at, String reason, PrivateKey key);

    abstract String done();

    @Override
    public Integer call() {
        EventPoster.post(cluster, event(requestId, signer.actor(), Instant.now(), reason, signer.privateKey()));
        spec.commandLine().getOut().println(done() + " " + requestId);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
