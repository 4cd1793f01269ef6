package io.jitmask.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jitmask.cli.JitmaskCli;
import io.jitmask.config.ConfigException;
import io.jitmask.sample.SampleSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {
    @TempDir
    Path dir;

    @Test
    void loadsTheShippedPolicy() {
        Policy policy = PolicyLoader.load(Path.of("../deploy/policy.yaml"));
        assertThat(policy.tags()).containsKeys("PII", "PCI", "PHI", "EMAIL");
        assertThat(policy.tags().get("PCI").approval().approvers()).isEqualTo(2);
        assertThat(policy.headers().allow()).contains("traceparent");
    }

    @Test
    void reportsWhatIsWrongAndWhere() {
        assertThatThrownBy(() -> PolicyLoader.parse("version: 1\ntags: {PII: {technique: {type: scramble}}}\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("tags.PII.technique: unknown technique 'scramble'");
        assertThatThrownBy(() -> PolicyLoader.parse("version: 1\ntagz: {}\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("unknown setting 'tagz' at ");
        assertThatThrownBy(() -> PolicyLoader.parse("version: 2\n"))
                .isInstanceOf(ConfigException.class).hasMessage("version must be 1, got 2");
        assertThatThrownBy(() -> PolicyLoader.parse("version: 1\ntags: {PII: {technique: {type: redact}}}\n"
                + "datasets: {c: {fields: {x: {tags: [NOPE]}}}}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("datasets.c.fields.x uses tag 'NOPE', which is not defined under tags");
        assertThatThrownBy(() -> PolicyLoader.parse("version: 1\ntags: {PII: {approval: {approvers: 0, roles: [a], maxDurationSeconds: 1}}}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("tags.PII.approval.approvers must be at least 1");
        assertThatThrownBy(() -> PolicyLoader.parse("version: [\n"))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void techniqueOptionsAreCheckedWhenThePolicyIsLoaded() {
        assertThatThrownBy(() -> PolicyLoader.parse("version: 1\ntags: {PII: {technique: {type: partial, keeplast: 2}}}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("tags.PII.technique: technique 'partial' has no option 'keeplast'");
        assertThatThrownBy(() -> PolicyLoader.parse("version: 1\ntags: {PII: {technique: {type: partial, keepLast: -1}}}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tags.PII.technique: technique 'partial' option 'keepLast' must be a whole number from 0 to 64, got '-1'");
        assertThatThrownBy(() -> PolicyLoader.parse("version: 1\ntags: {PII: {technique: {type: hmac, alphabet: base32}}}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tags.PII.technique: technique 'hmac' option 'alphabet' must be one of [base64url, digits, hex], got 'base32'");
        assertThatThrownBy(() -> PolicyLoader.parse("version: 1\ntags: {PCI: {technique: {type: ff1, alphabet: alphanumeric, luhn: true}}}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("tags.PCI.technique: technique 'ff1' option 'luhn' needs alphabet 'digits'");
        assertThatThrownBy(() -> PolicyLoader.parse("version: 1\ntags: {AGE: {technique: {type: bucket}}}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("tags.AGE.technique: technique 'bucket' needs a positive option 'size'");
        assertThatThrownBy(() -> PolicyLoader.parse("version: 1\ntags: {X: {technique: {type: nullify, value: x}}}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("tags.X.technique: technique 'nullify' has no option 'value'");
        assertThat(PolicyLoader.parse("version: 1\ntags: {AGE: {technique: {type: bucket, size: 0.5}}, X: {technique: {type: nullify}},"
                + " D: {technique: {type: generalizeDate, to: year}}}\n").tags()).containsOnlyKeys("AGE", "X", "D");
        assertThatThrownBy(() -> PolicyLoader.parse("version: 1\ndatasets: {c: {key: {type: bucket, size: 10}}}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("datasets.c.key.technique: technique 'bucket' cannot mask a field of type string");
        assertThatThrownBy(() -> PolicyLoader.parse("version: 1\ntags: {PII: {technique: {type: redact}}}\n"
                + "datasets: {c: {fields: {\"address..street\": {tags: [PII]}}}}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("datasets.c.fields.address..street is not a field path (dotted Avro field names, e.g. address.street)");
    }

    @Test
    void lintFindsEveryProblem() {
        Policy policy = PolicyLoader.parse("""
                version: 1
                tags:
                  PII: {technique: {type: partial, keepLast: 2}}
                  DOB: {technique: {type: partial}}
                  EMAIL: {technique: {type: email}}
                  NATIONAL_ID: {technique: {type: redact}}
                  FREE_TEXT: {technique: {type: freeText}}
                datasets:
                  customers:
                    fields:
                      loyalty: {tags: [PII]}
                """);
        Schema customers = SampleSchemas.of("customers");
        assertThat(PolicyLinter.lint(policy, "customers", customers)).extracting(Object::toString).containsExactlyInAnyOrder(
                "customers: field 'phone': tag PHONE is not defined in the policy",
                "customers: field 'dateOfBirth': technique 'partial' cannot mask a field of type int (date)",
                "customers: field 'loyalty': path rule names no field of schema io.jitmask.sample.Customer");
        assertThat(PolicyLinter.lint(PolicyLoader.load(Path.of("../deploy/policy.yaml")), "customers", customers)).isEmpty();
    }

    @Test
    void policyCheckCommandExitsNonZeroWithAReport() throws Exception {
        Path bad = Files.writeString(dir.resolve("customers.avsc"), SampleSchemas.of("customers").toString()
                .replace("\"confluent:tags\":[\"FREE_TEXT\"]", "\"confluent:tags\":[\"BIOMETRIC\"]"));
        assertThat(JitmaskCli.run("policy", "check", "--policy", "../deploy/policy.yaml", "--schema", "../schemas/customers.avsc",
                "--schema", "../schemas/payments.avsc", "--schema", "../schemas/patients.avsc")).isZero();
        assertThat(JitmaskCli.run("policy", "check", "--policy", "../deploy/policy.yaml", "--schema", bad.toString())).isEqualTo(1);
        assertThat(JitmaskCli.run("policy", "check", "--policy", "../deploy/policy.yaml")).isEqualTo(2);

        Path evolved = Files.writeString(dir.resolve("evolved.avsc"), SampleSchemas.of("customers").toString()
                .replace("\"confluent:tags\":[\"FREE_TEXT\"]", "\"confluent:tags\":[\"BIOMETRIC\"]")
                .replace("{\"name\":\"segment\"", "{\"name\":\"visits\",\"type\":\"int\",\"default\":0,\"confluent:tags\":[\"PHONE\"]},"
                        + "{\"name\":\"segment\""));
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        assertThat(JitmaskCli.run(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "policy", "check",
                "--policy", "../deploy/policy.yaml", "--schema", evolved.toString(), "--dataset", "customers")).isEqualTo(1);
        assertThat(out.toString()).isEqualTo("2 problem(s) in policy ../deploy/policy.yaml:\n"
                + "  - customers: field 'visits': technique 'partial' cannot mask a field of type int\n"
                + "  - customers: field 'bio': tag BIOMETRIC is not defined in the policy\n");
        assertThat(err.toString()).isEmpty();
        out.getBuffer().setLength(0);
        assertThat(JitmaskCli.run(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "policy", "check",
                "--policy", "../deploy/policy.yaml", "--schema", "../schemas/patients.avsc")).isZero();
        assertThat(out.toString()).isEqualTo("policy ../deploy/policy.yaml covers every sensitive field of 1 schema(s)\n");
        assertThat(JitmaskCli.run(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "policy", "check",
                "--policy", "../deploy/policy.yaml", "--schema", dir.resolve("missing.avsc").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jitmask: cannot read Avro schema " + dir.resolve("missing.avsc") + " (FileNotFoundException)\n");
    }

    @Test
    void defaultDenyDatasetsAndDeclassificationsAreChecked() {
        String tags = "version: 1\ntags: {PII: {technique: {type: redact}}, EMAIL: {}}\n";
        assertThatThrownBy(() -> PolicyLoader.parse(tags + "datasets: {c: {mode: defaultDeny, public: [id]}}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("datasets.c.default is required with mode defaultDeny (the rule masking every field not listed public)");
        assertThatThrownBy(() -> PolicyLoader.parse(tags + "datasets: {c: {mode: defaultDeny, default: {tags: [EMAIL]}}}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("datasets.c.default needs a technique, or a tag that has one");
        assertThatThrownBy(() -> PolicyLoader.parse(tags + "datasets: {c: {public: [id]}}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("datasets.c.public applies to mode defaultDeny only");
        assertThatThrownBy(() -> PolicyLoader.parse(tags + "datasets: {c: {mode: strict}}\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("Cannot deserialize value of type");
        assertThatThrownBy(() -> PolicyLoader.parse(tags + "datasets: {c: {declassified: [{path: email, by: dana}]}}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("datasets.c.declassified[0].reason must say why 'email' is declassified");
        assertThatThrownBy(() -> PolicyLoader.parse(tags + "datasets: {c: {declassified: [{path: email, reason: x}]}}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("datasets.c.declassified[0].by must name who declassified 'email'");
        assertThatThrownBy(() -> PolicyLoader.parse(tags
                + "datasets: {c: {fields: {email: {tags: [PII]}}, declassified: [{path: email, by: dana, reason: x}]}}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("datasets.c.declassified[0]: 'email' also has a path rule making it sensitive");
        Policy ok = PolicyLoader.parse(tags + "datasets: {c: {mode: defaultDeny, default: {tags: [PII]}, public: [id, address.city],"
                + " declassified: [{path: nickname, by: dana, reason: \"DPO-7 public by design\"}]}}\n");
        Policy.DatasetPolicy c = ok.datasets().get("c");
        assertThat(c.defaultDeny()).isTrue();
        assertThat(c.isPublic("address.city")).isTrue();
        assertThat(c.isPublic("address")).isFalse();
        assertThat(c.isPublic("idx")).isFalse();
        assertThat(c.declassification("nickname").by()).isEqualTo("dana");
    }

    @Test
    void policyCheckWarnsAboutTagDrivenDatasetsAndListsDeclassifications() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                version: 1
                tags:
                  PII: {technique: {type: redact}}
                  EMAIL: {technique: {type: hmac}}
                  PHONE: {technique: {type: redact}}
                  NATIONAL_ID: {technique: {type: redact}}
                  DOB: {technique: {type: redact}}
                  FREE_TEXT: {technique: {type: redact}}
                datasets:
                  customers:
                    declassified:
                      - {path: riskScore, by: "dana (data owner)", reason: "DPO-42 no longer personal data"}
                """);
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        assertThat(JitmaskCli.run(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "policy", "check",
                "--policy", policy.toString(), "--schema", "../schemas/customers.avsc")).isZero();
        assertThat(out.toString()).isEqualTo("warning: customers: mode tags: what is sensitive comes from schema tags and path"
                + " rules, so a field that a new schema version adds untagged passes in clear; use mode defaultDeny with a public list\n"
                + "customers: 'riskScore' declassified by dana (data owner): DPO-42 no longer personal data\n"
                + "policy " + policy + " covers every sensitive field of 1 schema(s)\n");
    }

    @Test
    void policyInitPrintsADefaultDenyEntryThatPassesCheck() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        assertThat(JitmaskCli.run(new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()), "policy", "init",
                "--schema", "../schemas/patients.avsc", "--default-tag", "PHI")).isZero();
        assertThat(out.toString()).isEqualTo("""
                datasets:
                  patients:
                    mode: defaultDeny
                    # Masks every field not listed public, including fields later schema versions add.
                    default: {technique: {type: redact}, tags: [PHI]}
                    # Untagged in io.jitmask.sample.Patient: confirm each is not sensitive, or move it to fields.
                    public: [patientId, ward, admittedAt]
                    fields:
                      recordNumber: {tags: [PHI, MRN]}
                      name: {tags: [PHI]}
                      dateOfBirth: {tags: [PHI, DOB]}
                      diagnosisCodes: {tags: [PHI]}
                      note: {tags: [PHI, FREE_TEXT]}
                """);
        String shipped = Files.readString(Path.of("../deploy/policy.yaml"));
        Path policy = Files.writeString(dir.resolve("init.yaml"), shipped.substring(0, shipped.indexOf("datasets:")) + out);
        assertThat(PolicyLinter.lint(PolicyLoader.load(policy), "patients", SampleSchemas.of("patients"))).isEmpty();
        assertThat(PolicyLinter.warnings(PolicyLoader.load(policy), "patients", SampleSchemas.of("patients"))).isEmpty();
    }
}
