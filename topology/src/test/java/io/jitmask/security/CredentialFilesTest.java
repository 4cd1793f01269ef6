package io.jitmask.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.testing.LogCapture;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code up --secure} leaves in the data dir: one private, ready-to-use client config per principal. */
class CredentialFilesTest {
    @TempDir
    Path dataDir;

    static Properties load(Path file) throws Exception {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        }
        return props;
    }

    @Test
    void filesAreOwnerOnlyReadyToUseAndKeepTheirPasswords() throws Exception {
        Set<String> passwords = new HashSet<>();
        try (LogCapture logs = new LogCapture()) {
            CredentialFiles files = CredentialFiles.in(dataDir);
            for (DemoPrincipals.Principal p : DemoPrincipals.ALL) {
                String password = files.password(p.name());
                assertThat(password).matches("[A-Za-z0-9_-]{32}");
                passwords.add(password);
                files.write(p.name(), "localhost:1234", SaslSettings.client(SecurityProtocol.SASL_SSL, p.mechanism(), p.name(), password), "test");
            }
            assertThat(passwords).as("one distinct password per principal").hasSize(DemoPrincipals.ALL.size());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("credentials")))).isEqualTo("rwx------");
            try (var listing = Files.list(dataDir.resolve("credentials"))) {
                assertThat(listing.map(f -> f.getFileName().toString()).sorted().toList()).isEqualTo(
                        DemoPrincipals.ALL.stream().map(p -> p.name() + ".properties").sorted().toList());
            }

            CredentialFiles again = CredentialFiles.in(dataDir);
            for (DemoPrincipals.Principal p : DemoPrincipals.ALL) {
                Path file = again.file(p.name());
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString()).isEqualTo("rw-------");
                String password = again.password(p.name());
                assertThat(passwords).as("a restart keeps " + p.name() + "'s password").contains(password);

                // Kafka's own client config accepts the file as it is, and keeps the JAAS line a Password (never logged).
                AdminClientConfig config = new AdminClientConfig(load(file));
                assertThat(config.getList(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)).containsExactly("localhost:1234");
                assertThat(config.getString(AdminClientConfig.SECURITY_PROTOCOL_CONFIG)).isEqualTo("SASL_SSL");
                assertThat(config.getString(SaslConfigs.SASL_MECHANISM)).isEqualTo(p.mechanism());
                Password jaas = config.getPassword(SaslConfigs.SASL_JAAS_CONFIG);
                assertThat(SaslSettings.userOf(jaas.value())).isEqualTo(p.name());
                assertThat(SaslSettings.passwordOf(jaas.value())).isEqualTo(password);
                assertThat(config.toString()).doesNotContain(password);
            }
            for (String password : passwords) {
                assertThat(logs.lines()).noneMatch(line -> line.contains(password));
            }
        }
    }

    @Test
    void aFileWithoutAPasswordGetsANewOne() throws Exception {
        CredentialFiles files = CredentialFiles.in(dataDir);
        Files.writeString(files.file("analyst"), "bootstrap.servers=x:1\n");
        assertThat(files.password("analyst")).matches("[A-Za-z0-9_-]{32}");
        assertThat(files.password("analyst")).isNotEqualTo(files.password("analyst"));
    }

    @Test
    void onlyThePipelineReadsRawAndWritesMaskedGrantAndGrantTopics() {
        List<org.apache.kafka.common.acl.AclBinding> acls = DemoPrincipals.acls("jitmask");
        for (var acl : acls) {
            String name = acl.pattern().name();
            String op = acl.entry().operation().name();
            boolean pipeline = acl.entry().principal().equals("User:jitmask");
            if (name.startsWith("raw.") && op.equals("READ") || name.startsWith("grant.") || name.equals("jit.grants") && op.equals("WRITE")
                    || name.startsWith("masked.") && op.equals("WRITE")) {
                assertThat(pipeline).as(acl.toString()).isTrue();
            }
        }
        assertThat(acls).noneMatch(acl -> acl.entry().principal().equals("User:admin"));
    }
}
