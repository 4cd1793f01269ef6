package io.jitmask.cli;

import io.jitmask.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code jitmask} command. Each verb is a subcommand class of its own. */
@Command(
        name = "jitmask",
        mixinStandardHelpOptions = true,
        versionProvider = JitmaskCli.Version.class,
        description = "Just-in-time unmasking of sensitive data on Kafka.",
        subcommands = {
            CommandLine.HelpCommand.class,
            UpCommand.class,
            RunCommand.class,
            ProduceCommand.class,
            ConsumeCommand.class,
            KeygenCommand.class,
            RequestCommand.class,
            ApproveCommand.class,
            ExtendCommand.class,
            DenyCommand.class,
            RevokeCommand.class,
            GrantsCommand.class,
            AuditCommand.class,
            KeysCommand.class,
            PolicyCommand.class,
            ScanCommand.class,
            AclsCommand.class,
            io.jitmask.bench.BenchCommand.class,
        })
public final class JitmaskCli {

    /** Exit code for bad input from the user: bad flag, port in use, unusable config. */
    public static final int USAGE_ERROR = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs a command with its output and errors going to the given writers (for tests and embedding). */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new JitmaskCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException || e instanceof CommandLine.ParameterException) {
                commandLine.getErr().println("jitmask: " + e.getMessage());
                commandLine.getErr().flush();
                return USAGE_ERROR;
            }
            commandLine.getErr().println("jitmask: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            commandLine.getErr().flush();
            return 1;
        });
        cli.setParameterExceptionHandler((e, args1) -> {
            e.getCommandLine().getErr().println("jitmask: " + e.getMessage());
            e.getCommandLine().getErr().flush();
            return USAGE_ERROR;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = JitmaskCli.class.getPackage().getImplementationVersion();
            return new String[] {"jitmask " + (version == null ? "dev" : version)};
        }
    }
}
