package io.jitmask.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.keys.Keyset;
import io.jitmask.testing.DemoActors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad configuration stops start-up before anything connects, with one line naming the problem and exit code 2. */
class BadConfigTest {
    @TempDir
    Path dir;

    String run(String... settings) throws Exception {
        Path config = dir.resolve("app.properties");
        Files.writeString(config, "bootstrap.servers=localhost:1\nschema.registry.url=http://localhost:1\n"
                + String.join("\n", settings) + "\n");
        StringWriter err = new StringWriter();
        int exit = JitmaskCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "run", "--config", config.toString());
        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(err.toString().strip()).doesNotContain("\n").startsWith("jitmask: ");
        return err.toString().strip();
    }

    @Test
    void missingKeyset() throws Exception {
        assertThat(run("jitmask.policy.file=" + DemoActors.POLICY, "jitmask.keyring.file=" + DemoActors.KEYRING,
                "jitmask.keyset.file=" + dir.resolve("nope.json")))
                .isEqualTo("jitmask: keyset file " + dir.resolve("nope.json") + " does not exist (jitmask keys create --keyset "
                        + dir.resolve("nope.json") + ")");
    }

    @Test
    void malformedPolicy() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "version: 1\ntags: [oops\n");
        assertThat(run("jitmask.policy.file=" + policy, "jitmask.keyring.file=" + DemoActors.KEYRING))
                .startsWith("jitmask: policy " + policy + ": ");
    }

    @Test
    void unknownTechnique() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "version: 1\ntags: {PII: {technique: {type: scramble}}}\n");
        assertThat(run("jitmask.policy.file=" + policy, "jitmask.keyring.file=" + DemoActors.KEYRING))
                .startsWith("jitmask: policy " + policy + ": tags.PII.technique: unknown technique 'scramble'");
    }

    @Test
    void missingSettingsAndBadValues() throws Exception {
        assertThat(run()).isEqualTo("jitmask: missing required setting 'jitmask.policy.file'");
        assertThat(run("processing.guarantee=maybe"))
                .isEqualTo("jitmask: processing.guarantee must be exactly_once_v2 or at_least_once, got 'maybe'");
        Keyset.loadOrCreate(dir.resolve("k.json"));
        assertThat(run("jitmask.policy.file=" + DemoActors.POLICY, "jitmask.keyring.file=" + dir.resolve("none.yaml"),
                "jitmask.keyset.file=" + dir.resolve("k.json"))).startsWith("jitmask: cannot read keyring " + dir.resolve("none.yaml"));
    }
}
