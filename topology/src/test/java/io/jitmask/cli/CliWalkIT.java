package io.jitmask.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.Topics;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.testing.SharedKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's walk, command by command, through the real CLI against a real broker, registry and application. */
class CliWalkIT {
    /** The README's commands name the dataset {@code customers}. */
    @RegisterExtension
    static final JitmaskStack STACK = JitmaskStack.builder("cli-walk").exactDataset("customers", "customers").build();

    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
        }
    }

    static Result jitmask(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        String verb = args[0];
        if (List.of("produce", "consume", "request", "approve", "deny", "revoke", "grants", "audit").contains(verb)) {
            all.add("--bootstrap-servers=" + SharedKafka.bootstrapServers());
        }
        if (List.of("produce", "consume").contains(verb)) {
            all.add("--registry-url=" + STACK.registryServer().url());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = JitmaskCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    static String key(String actor) {
        return Path.of("../deploy/demo-keys/" + actor + ".key").toString();
    }

    @Test
    void requestApproveReadRevokeAudit() throws Exception {
        assertThat(jitmask("produce", "--dataset", "customers", "--count", "3", "--seed", "1").exit()).isZero();
        Result masked = jitmask("consume", "--topic", "masked.customers", "--max", "3", "--timeout", "PT60S");
        assertThat(masked.lines()).hasSize(3).allSatisfy(line -> assertThat(line).contains("\"nationalId\": \"REDACTED\""));

        Result requested = jitmask("request", "--actor", "alice", "--key", key("alice"), "--dataset", "customers",
                "--fields", "email,name", "--justification", "INC-1234 customer disputes a refund", "--duration", "10m");
        assertThat(requested.exit()).as(requested.err()).isZero();
        String id = requested.out().strip();
        assertThat(id).matches("r[0-9a-f]{16}");
        Result approved = jitmask("approve", "--request", id, "--actor", "bob", "--key", key("bob"), "--comment", "ticket checked");
        assertThat(approved.exit()).as(approved.err()).isZero();
        assertThat(approved.out()).contains("alice asks for [\"email\",\"name\"] of customers for 600s");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> STACK.app().grants().contains(Topics.grantKey("customers", id)));
        assertThat(jitmask("grants").out()).containsPattern(id + "\\s+customers\\s+User:alice\\s+\\d+m\\d\\ds\\s+email,name");

        jitmask("produce", "--dataset", "customers", "--count", "2", "--seed", "2");
        Result clear = jitmask("consume", "--grant", id, "--dataset", "customers", "--max", "2", "--timeout", "PT60S");
        assertThat(clear.lines()).hasSize(2).allSatisfy(line -> {
            assertThat(line).containsPattern("\"email\": \"[a-z.]+@[a-z.-]+\"");
            assertThat(line).contains("\"nationalId\": \"REDACTED\"");
        });

        assertThat(jitmask("revoke", "--request", id, "--actor", "alice", "--key", key("alice"), "--reason", "done").exit()).isZero();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> jitmask("audit", "--request", id).out().contains("TOPIC_DELETED"));
        List<String> trail = jitmask("audit", "--request", id).lines();
        assertThat(trail.stream().map(l -> l.replaceAll(".*\"type\":\"([A-Z_]+)\".*", "$1")).toList()).containsExactly(
                "REQUESTED", "APPROVED", "ACTIVATED", "REVOKE_ACCEPTED", "DISCLOSURE_SUMMARY", "REVOKED", "TOPIC_DELETED");
        assertThat(jitmask("audit", "--actor", "bob").out()).contains("\"type\":\"APPROVED\"");
        assertThat(jitmask("grants").out()).doesNotContain(id);
    }

    @Test
    void aLookbackRequestIsShownToTheApproverListedWithTheGrantAndBackfilled() throws Exception {
        Result requested = jitmask("request", "--actor", "alice", "--key", key("alice"), "--dataset", "customers",
                "--fields", "email", "--justification", "INC-1250 refund failed yesterday", "--duration", "10m",
                "--lookback", "24h");
        assertThat(requested.exit()).as(requested.err()).isZero();
        String id = requested.out().strip();
        Result approved = jitmask("approve", "--request", id, "--actor", "bob", "--key", key("bob"));
        assertThat(approved.exit()).as(approved.err()).isZero();
        assertThat(approved.out()).contains("alice asks for [\"email\"] of customers for 600s, including the last 86400s"
                + " of records before approval (INC-1250 refund failed yesterday)");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> STACK.app().grants().contains(Topics.grantKey("customers", id)));
        assertThat(jitmask("grants").out()).containsPattern(id + "\\s+customers\\s+User:alice\\s+\\d+m\\d\\ds\\s+email  \\(lookback 86400s\\)");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                jitmask("audit", "--request", id).out().contains("\"type\":\"BACKFILL_COMPLETED\""));
        assertThat(jitmask("revoke", "--request", id, "--actor", "alice", "--key", key("alice"), "--reason", "done").exit()).isZero();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> jitmask("audit", "--request", id).out().contains("TOPIC_DELETED"));
    }

    @Test
    void keygenWritesAnOwnerOnlyKeyAndPrintsTheKeyringEntry() throws Exception {
        Result result = jitmask("keygen", "--actor", "zed", "--out", STACK.dir().toString(), "--roles", "privacy-officer");
        assertThat(result.exit()).isZero();
        assertThat(result.out()).matches("(?s)  zed: \\{publicKey: \"MCowBQYDK2VwAyEA[A-Za-z0-9+/=]+\", roles: \\[privacy-officer], principal: \"User:zed\"}\\s*");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(STACK.dir().resolve("zed.key")))).isEqualTo("rw-------");
        assertThat(jitmask("keygen", "--actor", "zed", "--out", STACK.dir().toString()).exit()).isEqualTo(2);
        assertThat(jitmask("keygen", "--actor", "Zed!").exit()).isEqualTo(2);
    }

    @Test
    void approvingAnUnknownRequestIsAUsageError() {
        Result result = jitmask("approve", "--request", "nosuch" + UUID.randomUUID().toString().substring(0, 6),
                "--actor", "bob", "--key", key("bob"));
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).startsWith("jitmask: no REQUESTED event for request");
    }
}
