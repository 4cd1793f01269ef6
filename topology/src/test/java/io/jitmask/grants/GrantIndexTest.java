package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.Topics;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The index alone: live grants are matched; an ENDING grant is matched by nothing but listed until its tombstone. */
class GrantIndexTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    static Grant grant(String id, GrantFilter filter) {
        return new Grant(id, "customers", "User:alice", List.of("email"), filter, Topics.grant("customers", id), "alice",
                List.of("bob"), "INC-1", NOW, NOW.plusSeconds(60), Grant.ACTIVE);
    }

    @Test
    void anEndingGrantIsMatchedByNothingAndListedUntilItsTombstone() {
        GrantIndex index = new GrantIndex();
        Grant all = grant("r1", new GrantFilter.All());
        Grant keyed = grant("r2", new GrantFilter.Keys(List.of("C1")));
        index.put(all);
        index.put(keyed);
        assertThat(index.matching("customers", "C1")).containsExactlyInAnyOrder(all, keyed);
        assertThat(index.ending()).isEmpty();

        index.put(keyed.ending());
        assertThat(index.matching("customers", "C1")).containsExactly(all);
        assertThat(index.contains(keyed.key())).isFalse();
        assertThat(index.isEnding(keyed.key())).isTrue();
        assertThat(index.ending()).containsExactly(keyed.ending());
        assertThat(index.size()).as("live grants only").isEqualTo(1);

        index.remove(keyed.key());
        assertThat(index.ending()).isEmpty();
        assertThat(index.isEnding(keyed.key())).isFalse();
        assertThat(index.matching("customers", "C1")).containsExactly(all);
    }

    @Test
    void nothingButTheGrantsOwnEndStopsItsCopies() {
        GrantIndex index = new GrantIndex();
        Grant all = grant("r1", new GrantFilter.All());
        index.put(all);
        // There is no other way to stop copies: no "gone" marks that an outage could set.
        assertThat(java.util.Arrays.stream(GrantIndex.class.getMethods()).map(java.lang.reflect.Method::getName))
                .doesNotContain("markTopicGone", "isTopicGone");
        assertThat(index.matching("customers", "C7")).containsExactly(all);
    }
}
