package io.jitmask.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.cli.JitmaskCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code deploy/acls.sh} is exactly what jitmask needs: the list SecureBrokerIT runs jitmask with. */
class AclsScriptTest {
    static String jitmask(String... args) {
        StringWriter out = new StringWriter();
        assertThat(JitmaskCli.run(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), args)).isZero();
        return out.toString();
    }

    @Test
    void deployScriptIsTheGeneratedOne() throws Exception {
        assertThat(Files.readString(Path.of("../deploy/acls.sh"))).isEqualTo(jitmask("acls"));
    }

    @Test
    void everyBindingBecomesOneOperationOfAKafkaAclsCommand() {
        String script = jitmask("acls", "--principal", "User:masker", "--application-id", "masker", "--create-topics");
        assertThat(script.lines().filter(l -> l.startsWith("kafka-acls.sh"))).allSatisfy(l -> assertThat(l)
                .startsWith("kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --command-config \"$ADMIN_CONFIG\" --add --allow-principal User:masker --operation "));
        long operations = script.lines().mapToLong(l -> l.split(" --operation ", -1).length - 1).sum();
        assertThat(operations).isEqualTo(PipelineAcls.forPipeline("User:masker", "masker").size()
                + PipelineAcls.topicCreation("User:masker").size());
        assertThat(script).contains("--allow-principal User:masker --operation Read --operation Create --topic raw. --resource-pattern-type prefixed\n")
                .contains("--operation Create --operation Read --operation Write --operation Delete --operation DescribeConfigs --topic masker- --resource-pattern-type prefixed\n")
                .contains("--operation Read --group masker\n")
                .contains("--operation Write --transactional-id masker- --resource-pattern-type prefixed\n")
                .contains("--operation Alter --cluster\n")
                .contains("--operation Write --operation Read --operation Create --topic jit.audit\n");
    }
}
