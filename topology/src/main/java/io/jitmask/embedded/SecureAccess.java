package io.jitmask.embedded;

import io.jitmask.app.TopicProvisioner;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.registry.server.RegistryAuthenticator;
import io.jitmask.security.CredentialFiles;
import io.jitmask.security.DemoPrincipals;
import io.jitmask.security.DemoPrincipals.Principal;
import io.jitmask.security.SaslSettings;
import io.jitmask.security.SelfSignedCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * What {@code jitmask up --secure} sets up on its broker: a password per principal (kept in the data dir's
 * credential files), their SCRAM credentials and their ACLs. Runs on every start and is idempotent, so a data dir
 * first used without {@code --secure} gets its principals too.
 */
final class SecureAccess {
    private static final int SCRAM_ITERATIONS = 8192;
    private static final Duration PROPAGATION_TIMEOUT = Duration.ofSeconds(30);

    private final CredentialFiles files;
    private final Map<String, String> passwords = new LinkedHashMap<>();
    private final SelfSignedCertificate certificate;
    private final Path trustedCertificate;

    SecureAccess(Path dataDir, String host) {
        files = CredentialFiles.in(dataDir);
        for (Principal p : DemoPrincipals.ALL) {
            passwords.put(p.name(), files.password(p.name()));
        }
        certificate = SelfSignedCertificate.forHost(host);
        trustedCertificate = files.writeCertificate(certificate.certificatePem());
    }

    /** Who may do what on the embedded registry: admin anything, producer registers raw.*, jitmask raw.* and masked.*. */
    RegistryAuthenticator registryAuthenticator() {
        return new RegistryAuthenticator(passwords, List.of(DemoPrincipals.ADMIN), Map.of(
                DemoPrincipals.PRODUCER, List.of(io.jitmask.config.Topics.RAW_PREFIX),
                DemoPrincipals.JITMASK, List.of(io.jitmask.config.Topics.RAW_PREFIX, io.jitmask.config.Topics.MASKED_PREFIX)));
    }

    /** A principal's registry credentials, as Confluent's clients take them. */
    Map<String, String> registrySettings(String principal) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(JitmaskConfig.REGISTRY_AUTH_SOURCE, "USER_INFO");
        settings.put(JitmaskConfig.REGISTRY_USER_INFO, principal + ":" + passwords.get(principal));
        return settings;
    }

    String adminPassword() {
        return passwords.get(DemoPrincipals.ADMIN);
    }

    SelfSignedCertificate certificate() {
        return certificate;
    }

    /** Client settings (bootstrap.servers, security.protocol, sasl.*, ssl.*) of a principal. */
    Map<String, String> clientSettings(String principal, String bootstrapServers) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.putAll(loginSettings(principal(principal)));
        return settings;
    }

    /** SASL over TLS, trusting only this start's certificate (file-based, so the client files stay short). */
    private Map<String, String> loginSettings(Principal p) {
        Map<String, String> settings = new LinkedHashMap<>(
                SaslSettings.client(SecurityProtocol.SASL_SSL, p.mechanism(), p.name(), passwords.get(p.name())));
        settings.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        settings.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, trustedCertificate.toString());
        return settings;
    }

    /**
     * Creates or updates every SCRAM credential and ACL, waits until the broker enforces them, then writes the
     * credential files. Returns the files by principal name.
     */
    Map<String, Path> apply(String bootstrapServers, String applicationId) {
        Map<String, Object> adminSettings = new LinkedHashMap<>(clientSettings(DemoPrincipals.ADMIN, bootstrapServers));
        List<AclBinding> acls = DemoPrincipals.acls(applicationId);
        try (Admin admin = Admin.create(adminSettings)) {
            List<UserScramCredentialUpsertion> upserts = new ArrayList<>();
            for (Principal p : DemoPrincipals.ALL) {
                if (SaslSettings.SCRAM.equals(p.mechanism())) {
                    upserts.add(new UserScramCredentialUpsertion(p.name(),
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), passwords.get(p.name())));
                }
            }
            admin.alterUserScramCredentials(new ArrayList<>(upserts)).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            awaitEnforced(admin, acls, upserts.stream().map(UserScramCredentialUpsertion::user).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting up principals", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set up principals and ACLs: " + e.getClass().getSimpleName(), e);
        }
        Map<String, Path> written = new LinkedHashMap<>();
        for (Principal p : DemoPrincipals.ALL) {
            Map<String, String> settings = new LinkedHashMap<>(loginSettings(p));
            // The same file configures Confluent's serializers and jitmask's CLI for the embedded registry.
            settings.putAll(registrySettings(p.name()));
            written.put(p.name(), files.write(p.name(), bootstrapServers, settings,
                    "jitmask up --secure: Kafka client settings for User:" + p.name() + " (" + p.role().description() + ")"));
        }
        return written;
    }

    /**
     * The controller commits credentials and ACLs before it answers; the broker applies them a moment later. Its
     * own view (DescribeAcls and DescribeUserScramCredentials are answered from it) must hold them all before any
     * client relies on them.
     */
    private static void awaitEnforced(Admin admin, List<AclBinding> acls, List<String> users) throws Exception {
        long deadline = System.nanoTime() + PROPAGATION_TIMEOUT.toNanos();
        while (true) {
            Set<AclBinding> present = new HashSet<>(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS));
            Set<String> withCredentials = admin.describeUserScramCredentials(users).all().get(30, TimeUnit.SECONDS).keySet();
            if (present.containsAll(acls) && withCredentials.containsAll(users)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the broker did not apply the principals' ACLs and credentials in "
                        + PROPAGATION_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** As the super user: the pipeline's topics, so jitmask's own principal needs no CREATE on them. */
    void provisionTopics(String bootstrapServers, JitmaskConfig config) {
        try (Admin admin = Admin.create(new LinkedHashMap<String, Object>(clientSettings(DemoPrincipals.ADMIN, bootstrapServers)))) {
            TopicProvisioner.ensure(admin, config);
        }
    }

    private static Principal principal(String name) {
        return DemoPrincipals.ALL.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown principal " + name));
    }
}
