package io.jitmask.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Pages of a list by position: every item once, in order, whatever the page size, also when items arrive between pages. */
class PagingTest {
    static final Function<String, String> SELF = s -> s;

    static List<String> items(int n) {
        List<String> out = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {
            out.add(String.format("%03d", i));
        }
        return out;
    }

    @Test
    void forwardPagesServeEveryItemOnceInPositionOrder() {
        List<String> all = items(7);
        Paging.Page<String> first = Paging.forward(all, SELF, null, 3);
        assertThat(first.items()).containsExactly("000", "001", "002");
        assertThat(first.next()).isEqualTo(Paging.encode("002"));
        Paging.Page<String> second = Paging.forward(all, SELF, first.next(), 3);
        assertThat(second.items()).containsExactly("003", "004", "005");
        Paging.Page<String> last = Paging.forward(all, SELF, second.next(), 3);
        assertThat(last.items()).containsExactly("006");
        assertThat(last.next()).isNull();
        // Exactly a page left: no next, so no empty page to fetch.
        assertThat(Paging.forward(items(6), SELF, second.next(), 3).next()).isNull();
        assertThat(Paging.forward(items(6), SELF, first.next(), 3).next()).isNull();
    }

    @Test
    void anItemArrivingBetweenPagesBeforeTheCursorDoesNotShiftTheNextPage() {
        List<String> all = new ArrayList<>(items(6));
        Paging.Page<String> first = Paging.forward(all, SELF, null, 3);
        all.add("0005");
        assertThat(Paging.forward(all, SELF, first.next(), 3).items()).containsExactly("003", "004", "005");
    }

    @Test
    void backwardPagesGoFromTheNewestToTheOldestEachOldestFirst() {
        List<String> all = items(7);
        Paging.Page<String> newest = Paging.backward(all, SELF, null, 3);
        assertThat(newest.items()).containsExactly("004", "005", "006");
        Paging.Page<String> older = Paging.backward(all, SELF, newest.next(), 3);
        assertThat(older.items()).containsExactly("001", "002", "003");
        Paging.Page<String> oldest = Paging.backward(all, SELF, older.next(), 3);
        assertThat(oldest.items()).containsExactly("000");
        assertThat(oldest.next()).isNull();
        // New events after the first page do not move the older pages.
        List<String> grown = new ArrayList<>(all);
        grown.add("007");
        assertThat(Paging.backward(grown, SELF, newest.next(), 3).items()).containsExactly("001", "002", "003");
    }

    @Test
    void aCursorThatIsNotOursIsABadRequestNamingTheParameter() {
        assertThatThrownBy(() -> Paging.forward(items(3), SELF, "%%%", 2)).isInstanceOf(ApiException.class)
                .hasMessage("'cursor' must be a 'next' value this API returned");
        assertThatThrownBy(() -> Paging.forward(items(3), SELF, Paging.encode("a\nb"), 2)).isInstanceOf(ApiException.class)
                .hasMessage("'cursor' must be a 'next' value this API returned");
    }
}
