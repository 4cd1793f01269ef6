package io.jitmask.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.cli.JitmaskCli;
import io.jitmask.schema.JsonParsedSchema;
import io.jitmask.schema.ProtobufParsedSchema;
import io.jitmask.schema.SchemaParser;
import io.jitmask.schema.SchemaType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code jitmask policy check} for Protobuf ({@code .proto}) and JSON Schema files, as for Avro's {@code .avsc}. */
class TypedSchemaLinterTest {
    static final Policy BROKEN = PolicyLoader.parse("""
            version: 1
            tags:
              PII: {technique: {type: redact}}
              EMAIL: {technique: {type: hmac}}
              DOB: {technique: {type: redact}}
            datasets:
              orders:
                fields:
                  buyer.nickname: {tags: [PII]}
              tickets:
                fields:
                  reporter.nickname: {tags: [PII]}
            """);

    @TempDir
    Path dir;

    static List<String> orders(Policy policy) throws Exception {
        return TypedSchemaLinter.lint(policy, "orders", (ProtobufParsedSchema) SchemaParser.parse(SchemaType.PROTOBUF,
                Files.readString(Path.of("../schemas/orders.proto")))).stream().map(Object::toString).toList();
    }

    static List<String> tickets(Policy policy) throws Exception {
        return TypedSchemaLinter.lint(policy, "tickets", (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON,
                Files.readString(Path.of("../schemas/tickets.schema.json")))).stream().map(Object::toString).toList();
    }

    interface Lint {
        List<String> of(Policy policy) throws Exception;
    }

    /** Per format: every problem of the sample file under a policy lacking its tags; none under the shipped one. */
    static Stream<Arguments> sampleFiles() {
        return Stream.of(
                Arguments.of("orders.proto", (Lint) TypedSchemaLinterTest::orders, List.of(
                        "orders: field 'io.jitmask.sample.Order.notes': tag FREE_TEXT is not defined in the policy",
                        "orders: field 'io.jitmask.sample.Buyer.phone': tag PHONE is not defined in the policy",
                        "orders: field 'io.jitmask.sample.Payment.card_number': tag PCI is not defined in the policy",
                        "orders: field 'io.jitmask.sample.Payment.card_number': tag PAN is not defined in the policy",
                        "orders: field 'io.jitmask.sample.Payment.cardholder': tag PCI is not defined in the policy")),
                Arguments.of("tickets.schema.json", (Lint) TypedSchemaLinterTest::tickets, List.of(
                        "tickets: field '#/properties/description': tag FREE_TEXT is not defined in the policy",
                        "tickets: field '#/properties/customerPhone': tag PHONE is not defined in the policy")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleFiles")
    void sampleFileProblemsAreEachReported(String file, Lint lint, List<String> problems) throws Exception {
        assertThat(lint.of(BROKEN)).containsExactlyInAnyOrderElementsOf(problems);
        assertThat(lint.of(PolicyLoader.load(Path.of("../deploy/policy.yaml")))).isEmpty();
    }

    /** The shipped policy edited (line replaced by line, per pair), and the one problem each sample file then has. */
    static Stream<Arguments> brokenRules() {
        return Stream.of(
                Arguments.of("techniques that do not fit the field", List.of(
                        "      buyer.date_of_birth: {tags: [PII, DOB]}",
                        "      buyer.date_of_birth: {tags: [PII, DOB], technique: {type: bucket, size: 10}}",
                        "technique: {type: generalizeDate, to: year}}", "technique: {type: bucket, size: 10}}"),
                        "orders: field 'buyer.date_of_birth': technique 'bucket' cannot mask a field of type long (timestamp-micros)",
                        "tickets: field 'reporter.dateOfBirth': technique 'bucket' cannot mask a field of type string"),
                Arguments.of("path rules naming no field", List.of(
                        "      buyer.name: {tags: [PII]}", "      buyer.name: {tags: [PII]}\n      buyer.nickname: {tags: [PII]}",
                        "      reporter.name: {tags: [PII]}", "      reporter.name: {tags: [PII]}\n      reporter.nickname: {tags: [PII]}"),
                        "orders: field 'buyer.nickname': path rule names no field of message io.jitmask.sample.Order",
                        "tickets: field 'reporter.nickname': path rule names no field of the JSON Schema"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRules")
    void brokenRulesAreReportedPerFile(String what, List<String> replacements, String ordersProblem, String ticketsProblem)
            throws Exception {
        String text = Files.readString(Path.of("../deploy/policy.yaml"));
        for (int i = 0; i < replacements.size(); i += 2) {
            text = text.replace(replacements.get(i), replacements.get(i + 1));
        }
        Policy policy = PolicyLoader.parse(text);
        assertThat(orders(policy)).containsExactly(ordersProblem);
        assertThat(tickets(policy)).containsExactly(ticketsProblem);
    }

    @Test
    void policyCheckCommandTakesProtoAndJsonSchemaFiles() throws Exception {
        assertThat(JitmaskCli.run("policy", "check", "--policy", "../deploy/policy.yaml", "--schema", "../schemas/orders.proto",
                "--schema", "../schemas/tickets.schema.json", "--schema", "../schemas/customers.avsc")).isZero();
        Path untagged = Files.writeString(dir.resolve("orders.proto"), Files.readString(Path.of("../schemas/orders.proto"))
                .replace("tags: [\"PCI\", \"PAN\"]", "tags: [\"BIOMETRIC\"]"));
        assertThat(JitmaskCli.run("policy", "check", "--policy", "../deploy/policy.yaml", "--schema", untagged.toString())).isEqualTo(1);
        Path tickets = Files.writeString(dir.resolve("tickets.schema.json"), "{\"type\": \"object\", \"properties\": "
                + "{\"a\": {\"type\": \"string\", \"confluent:tags\": [\"BIOMETRIC\"]}}}");
        assertThat(JitmaskCli.run("policy", "check", "--policy", "../deploy/policy.yaml", "--schema", tickets.toString())).isEqualTo(1);
        Path broken = Files.writeString(dir.resolve("broken.proto"), "syntax = \"proto3\"; message {");
        assertThat(JitmaskCli.run("policy", "check", "--policy", "../deploy/policy.yaml", "--schema", broken.toString())).isEqualTo(2);
    }

    @Test
    void aSensitivePatternNoValueCanBeDerivedForIsAWarningNotAProblem() throws Exception {
        JsonParsedSchema schema = (JsonParsedSchema) SchemaParser.parse(SchemaType.JSON, """
                {"type": "object", "properties": {
                  "nick": {"type": "string", "pattern": "^(?=[A-Z])[A-Za-z]+$", "confluent:tags": ["PII"]},
                  "zip": {"type": "string", "pattern": "^[0-9]{5}$", "confluent:tags": ["PII"]},
                  "open": {"type": "string", "pattern": "^(?=x)"}}}""");

        assertThat(TypedSchemaLinter.lint(BROKEN, "t", schema)).isEmpty();
        assertThat(TypedSchemaLinter.warnings(BROKEN, "t", schema)).containsExactly("t: field 'nick': its pattern uses more than"
                + " jitmask derives values for (look-arounds, back references, word boundaries, Unicode properties) and the schema"
                + " publishes no value ('examples', 'default') that matches it: a masked value that does not match it is"
                + " dead-lettered (keyword 'pattern' and the field's location)");
        Path file = Files.writeString(dir.resolve("t.schema.json"), schema.canonicalString());
        java.io.StringWriter out = new java.io.StringWriter();
        assertThat(JitmaskCli.run(new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()),
                "policy", "check", "--policy", "../deploy/policy.yaml", "--schema", file.toString())).isZero();
        assertThat(out.toString()).contains("warning: t: field 'nick': its pattern uses more than jitmask derives values for");
    }
}
