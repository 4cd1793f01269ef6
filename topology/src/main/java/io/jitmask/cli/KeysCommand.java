package io.jitmask.cli;

import io.jitmask.config.ConfigException;
import io.jitmask.keys.Keyset;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jitmask keys}: the masking keyset (create, rotate). Never prints key material. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage the masking keyset.",
        subcommands = {KeysCommand.Create.class, KeysCommand.Rotate.class})
public final class KeysCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a new keyset file (mode 0600).")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--keyset", required = true)
        Path keyset;

        @Override
        public Integer call() {
            try {
                Keyset.writeNew(keyset, Keyset.generate());
            } catch (FileAlreadyExistsException e) {
                throw new ConfigException("keyset file " + keyset + " already exists; not overwriting it");
            }
            spec.commandLine().getOut().println("created " + keyset + " with key k1");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Add a new key and make it primary; older keys stay so older tokens remain attributable.")
    static final class Rotate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--keyset", required = true)
        Path keyset;

        @Override
        public Integer call() {
            String id = Keyset.rotate(keyset);
            spec.commandLine().getOut().println("rotated " + keyset + ": primary key is now " + id
                    + " (restart jitmask to mask with it)");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
