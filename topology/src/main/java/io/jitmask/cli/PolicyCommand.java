package io.jitmask.cli;

import io.jitmask.config.ConfigException;
import io.jitmask.policy.Policy;
import io.jitmask.policy.PolicyLinter;
import io.jitmask.policy.PolicyLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask policy check}: lint a policy against schemas; exit 1 with a report when anything is wrong. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Work with the masking policy.",
        subcommands = {PolicyCommand.Check.class, PolicyCommand.Init.class})
public final class PolicyCommand {

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Print a default-deny policy entry for a dataset from its schema: tagged fields become path rules,"
                    + " untagged fields are listed public for review, anything else is masked.")
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--schema", required = true, description = "Avro schema file (.avsc).")
        Path schema;

        @Option(names = "--dataset", description = "Dataset name (default: the file name without .avsc).")
        String dataset;

        @Option(names = "--default-tag", description = "Tag of fields masked by default, so they can be requested (e.g. PII).")
        String defaultTag;

        @Override
        public Integer call() {
            Schema parsed;
            try {
                parsed = new Schema.Parser().parse(schema.toFile());
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("cannot read Avro schema " + schema + " (" + e.getClass().getSimpleName() + ")");
            }
            String name = dataset != null ? dataset : schema.getFileName().toString().replaceFirst("\\.avsc$", "");
            PrintWriter out = spec.commandLine().getOut();
            out.print("datasets:\n" + io.jitmask.policy.PolicyTemplate.datasetEntry(name, parsed, defaultTag));
            out.flush();
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check a policy against schemas: uncovered tags, unknown paths, techniques that do not fit.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--policy", defaultValue = "deploy/policy.yaml", description = "Policy file (default: ${DEFAULT-VALUE}).")
        Path policyFile;

        @Option(names = "--schema", required = true, description = "Schema file: Avro (.avsc), Protobuf (.proto, its first "
                + "message; imports of confluent/meta.proto and google/protobuf only) or JSON Schema (.json); repeatable.")
        List<Path> schemas;

        @Option(names = "--dataset", description = "Dataset the schemas belong to (default: the file name without .avsc, "
                + ".proto, .schema.json or .json).")
        String dataset;

        /** Problems of a JSON Schema or .proto file; warnings (constraints masking cannot keep) go to {@code notes}. */
        private static List<PolicyLinter.Problem> lintTyped(Policy policy, String dataset, Path file, List<String> notes) {
            boolean proto = file.getFileName().toString().endsWith(".proto");
            String kind = proto ? "Protobuf schema " : "JSON Schema ";
            io.jitmask.schema.ParsedSchema parsed;
            try {
                parsed = io.jitmask.schema.SchemaParser.parse(proto ? io.jitmask.schema.SchemaType.PROTOBUF
                        : io.jitmask.schema.SchemaType.JSON, java.nio.file.Files.readString(file));
            } catch (IOException e) {
                throw new ConfigException("cannot read " + kind + file + " (" + e.getClass().getSimpleName() + ")");
            } catch (io.jitmask.schema.InvalidSchemaException e) {
                throw new ConfigException("cannot read " + kind + file + ": " + e.getMessage());
            }
            if (proto) {
                return io.jitmask.policy.TypedSchemaLinter.lint(policy, dataset, (io.jitmask.schema.ProtobufParsedSchema) parsed);
            }
            io.jitmask.schema.JsonParsedSchema json = (io.jitmask.schema.JsonParsedSchema) parsed;
            io.jitmask.policy.TypedSchemaLinter.warnings(policy, dataset, json).forEach(w -> notes.add("warning: " + w));
            return io.jitmask.policy.TypedSchemaLinter.lint(policy, dataset, json);
        }

        @Override
        public Integer call() {
            Policy policy = PolicyLoader.load(policyFile);
            List<PolicyLinter.Problem> problems = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (Path file : schemas) {
                String fileName = file.getFileName().toString();
                String name = dataset != null ? dataset : fileName.replaceFirst("(\\.avsc|\\.proto|\\.schema\\.json|\\.json)$", "");
                if (fileName.endsWith(".proto") || fileName.endsWith(".json")) {
                    problems.addAll(lintTyped(policy, name, file, notes));
                    if (!policy.datasets().containsKey(name) || !policy.datasets().get(name).defaultDeny()) {
                        notes.add("warning: " + name + ": mode tags: a field that a new schema version adds untagged passes in"
                                + " clear; use mode defaultDeny with a public list");
                    }
                    PolicyLinter.declassifications(policy, name).stream().filter(d -> !notes.contains(d)).forEach(notes::add);
                    continue;
                }
                Schema schema;
                try {
                    schema = new Schema.Parser().parse(file.toFile());
                } catch (IOException | RuntimeException e) {
                    throw new ConfigException("cannot read Avro schema " + file + " (" + e.getClass().getSimpleName() + ")");
                }
                problems.addAll(PolicyLinter.lint(policy, name, schema));
                PolicyLinter.warnings(policy, name, schema).forEach(w -> notes.add("warning: " + w));
                PolicyLinter.declassifications(policy, name).stream().filter(d -> !notes.contains(d)).forEach(notes::add);
            }
            PrintWriter out = spec.commandLine().getOut();
            notes.forEach(out::println);
            if (problems.isEmpty()) {
                out.println("policy " + policyFile + " covers every sensitive field of " + schemas.size() + " schema(s)");
                out.flush();
                return 0;
            }
            out.println(problems.size() + " problem(s) in policy " + policyFile + ":");
            problems.forEach(p -> out.println("  - " + p));
            out.flush();
            return 1;
        }
    }
}
