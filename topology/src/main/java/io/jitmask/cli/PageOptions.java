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

    @Option(names = "--offset", defaultValue = "0", description = "Skip this many entries first (the next page: --offset <offset + limit>).")
    int offset;

    /** The page of {@code ordered}; says on the command's stderr how to get the rest when there is more. */
    <T> List<T> page(List<T> ordered, CommandLine command) {
        if (limit < 1 || offset < 0) {
            throw new CommandLine.ParameterException(command, "--limit must be at least 1 and --offset at least 0");
        }
        PrintWriter err = command.getErr();
        int from = Math.min(offset, ordered.size());
        int to = (int) Math.min(ordered.size(), (long) from + limit);
        if (to < ordered.size()) {
            err.println((ordered.size() - to) + " more: --offset " + to + " --limit " + limit);
            err.flush();
        }
        return ordered.subList(from, to);
    }
}
