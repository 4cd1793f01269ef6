package io.jitmask.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Pages of the listing commands: from the start (grants) or from the end (the audit trail), with the next page on stderr. */
class PageOptionsTest {
    final StringWriter err = new StringWriter();
    final CommandLine command = new CommandLine(new GrantsCommand());

    PageOptions options(int limit, int offset) {
        command.setErr(new PrintWriter(err, true));
        PageOptions options = new PageOptions();
        options.limit = limit;
        options.offset = offset;
        return options;
    }

    static final List<Integer> TEN = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);

    @Test
    void fromTheStart() {
        assertThat(options(4, 0).page(TEN, command)).containsExactly(0, 1, 2, 3);
        assertThat(err.toString()).isEqualTo("6 more: --offset 4 --limit 4" + System.lineSeparator());
        assertThat(options(4, 8).page(TEN, command)).containsExactly(8, 9);
        assertThat(options(4, 12).page(TEN, command)).isEmpty();
    }

    @Test
    void fromTheEndTheNewestFirstEachPageInOrder() {
        assertThat(options(4, 0).pageFromEnd(TEN, command)).containsExactly(6, 7, 8, 9);
        assertThat(err.toString()).isEqualTo("6 older: --offset 4 --limit 4" + System.lineSeparator());
        assertThat(options(4, 4).pageFromEnd(TEN, command)).containsExactly(2, 3, 4, 5);
        assertThat(options(4, 8).pageFromEnd(TEN, command)).containsExactly(0, 1);
        assertThat(options(4, 12).pageFromEnd(TEN, command)).isEmpty();
    }

    @Test
    void aLimitBelowOneIsAUsageError() {
        assertThatThrownBy(() -> options(0, 0).page(TEN, command)).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("--limit must be at least 1 and --offset at least 0");
    }
}
