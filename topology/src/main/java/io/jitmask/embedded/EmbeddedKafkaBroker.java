package io.jitmask.embedded;

import io.jitmask.security.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft Kafka (broker and controller in one process) whose data lives in a directory, so a
 * restart keeps every topic. Storage is formatted on first start only.
 *
 * <p>The broker runs Kafka's {@code StandardAuthorizer} so grants get real ACLs; on the PLAINTEXT listener
 * every client is {@code User:ANONYMOUS}, which is a super user here, so the ACLs are recorded but not enforced.
 * {@link #startSecure} enforces them: clients authenticate with SASL/SCRAM, and what no ACL allows is denied.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    public static EmbeddedKafkaBroker start(Path dataDir, String host, int port, int controllerPort) throws Exception {
        Properties props = new Properties();
        props.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("super.users", "User:ANONYMOUS");
        props.put("allow.everyone.if.no.acl.found", "true");
        return start(dataDir, host, port, controllerPort, props);
    }

    /**
     * The broker with TLS, authentication and enforced ACLs: clients use SASL/SCRAM-SHA-512 over TLS on
     * {@code port}; the super user {@code admin} (the broker's own principal) uses SASL/PLAIN with
     * {@code adminPassword}, on the controller listener too, because KRaft controllers cannot check SCRAM
     * credentials (those live in the metadata they serve). Both listeners present {@code certificate}, and the
     * broker trusts only it for its own connections. Only the super user may do anything no ACL allows.
     */
    public static EmbeddedKafkaBroker startSecure(Path dataDir, String host, int port, int controllerPort,
                                                  String adminPassword, SelfSignedCertificate certificate) throws Exception {
        String adminJaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\""
                + adminPassword + "\" user_admin=\"" + adminPassword + "\";";
        Properties props = new Properties();
        props.put("listeners", "SASL_SSL://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        props.put("advertised.listeners", "SASL_SSL://" + host + ":" + port);
        props.put("inter.broker.listener.name", "SASL_SSL");
        props.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SASL_SSL");
        props.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
        props.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        props.put("listener.name.sasl_ssl.plain.sasl.jaas.config", adminJaas);
        props.put("ssl.keystore.type", "PEM");
        props.put("ssl.keystore.key", certificate.privateKeyPem());
        props.put("ssl.keystore.certificate.chain", certificate.certificatePem());
        props.put("ssl.truststore.type", "PEM");
        props.put("ssl.truststore.certificates", certificate.certificatePem());
        props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.controller.plain.sasl.jaas.config", adminJaas);
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("super.users", "User:admin");
        props.put("allow.everyone.if.no.acl.found", "false");
        return start(dataDir, host, port, controllerPort, props);
    }

    private static EmbeddedKafkaBroker start(Path dataDir, String host, int port, int controllerPort,
                                             Properties listenerProps) throws Exception {
        Path logDir = dataDir.resolve("kafka");
        Files.createDirectories(logDir);
        Properties props = new Properties();
        props.putAll(listenerProps);
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "3");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "3");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // A copy for a grant whose topic is already gone must fail, not silently recreate the topic.
        props.put("auto.create.topics.enable", "false");
        // A deleted grant topic's segments are renamed and kept for file.delete.delay.ms (default a minute):
        // clear values must not outlive their grant on disk that long (topic-level name: file.delete.delay.ms).
        props.put("log.segment.delete.delay.ms", "1000");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        KafkaConfig config = KafkaConfig.fromProps(props, false);

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            new Formatter()
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .run();
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        return new EmbeddedKafkaBroker(server, host + ":" + port);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
