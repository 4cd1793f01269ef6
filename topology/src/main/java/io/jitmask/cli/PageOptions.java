package io.jitmask.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --limit} and {@code --offset} of the listing commands: one page of a list in a stable order, and on
 * stderr how to get the next one, so a long history never floods a terminal.
 */
public final class PageOptions {
    @Option(names = "--limit", defaultValue = "100", description = "At most this many entries (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--offset", defaultValue = "0", description = "Skip this many entries first (the next page: --offset <offset + limit>); for the audit trail, the newest.")
    int offset;

    /** The page of {@code ordered}, from its start; says on the command's stderr how to get the rest. */
    <T> List<T> page(List<T> ordered, CommandLine command) {
        check(command);
        int from = Math.min(offset, ordered.size());
        int to = (int) Math.min(ordered.size(), (long) from + limit);
        if (to < ordered.size()) {
            hint(command, (ordered.size() - to) + " more: --offset " + to + " --limit " + limit);
        }
        return ordered.subList(from, to);
    }

    /**
     * The page of {@code ordered} counted from its end (the newest first: {@code --offset} skips the newest), still
     * in order; says how to get the older ones.
     */
    <T> List<T> pageFromEnd(List<T> ordered, CommandLine command) {
        check(command);
        int to = Math.max(0, ordered.size() - offset);
        int from = (int) Math.max(0, (long) to - limit);
        if (from > 0) {
            hint(command, from + " older: --offset " + ((long) offset + limit) + " --limit " + limit);
        }
        return ordered.subList(from, to);
    }

    private void check(CommandLine command) {
        if (limit < 1 || offset < 0) {
            throw new CommandLine.ParameterException(command, "--limit must be at least 1 and --offset at least 0");
        }
    }

    private static void hint(CommandLine command, String text) {
        PrintWriter err = command.getErr();
        err.println(text);
        err.flush();
    }
}
