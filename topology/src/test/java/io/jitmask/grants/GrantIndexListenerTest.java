package io.jitmask.grants;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.config.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrantIndexListenerTest {
    static Grant grant(String id, String justification) {
        return new Grant(id, "customers", "User:alice", List.of("email"), null, Topics.grant("customers", id), "alice",
                List.of("bob"), justification, Instant.EPOCH, Instant.EPOCH.plusSeconds(60), Grant.ACTIVE, 3600L);
    }

    @Test
    void toldOnceWhenAGrantBecomesVisibleAndOnceWhenItGoes() {
        GrantIndex index = new GrantIndex();
        List<String> told = new ArrayList<>();
        index.listen(new GrantIndex.Listener() {
            @Override
            public void visible(Grant grant) {
                told.add("visible " + grant.key() + " " + grant.justification());
            }

            @Override
            public void gone(String grantKey) {
                told.add("gone " + grantKey);
            }
        });
        index.put(grant("r1", "first"));
        index.put(grant("r1", "replaced"));
        index.remove("customers/r1");
        index.remove("customers/r1");
        index.remove("customers/r2");

        assertThat(told).containsExactly("visible customers/r1 first", "gone customers/r1");
        assertThat(index.contains("customers/r1")).isFalse();
    }
}
