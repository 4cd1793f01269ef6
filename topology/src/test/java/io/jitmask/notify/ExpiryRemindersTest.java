package io.jitmask.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.grants.Grant;
import io.jitmask.grants.GrantFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpiryRemindersTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    static Grant grant(String id, long lifeSeconds) {
        return new Grant(id, "customers", "User:alice", List.of("email"), new GrantFilter.All(), "grant.customers." + id,
                "alice", List.of("bob"), "INC-1", T0, T0.plusSeconds(lifeSeconds), Grant.ACTIVE);
    }

    @Test
    void remindsOnceInTheWindowAndOnlyOnceThePartitionIsReadToItsEnd() {
        ExpiryReminders reminders = new ExpiryReminders(Duration.ofSeconds(60));
        reminders.assigned(0);
        reminders.update(0, "customers/a", grant("a", 100));
        reminders.update(0, "customers/b", grant("b", 1000));
        reminders.update(0, "customers/c", grant("c", 100));
        reminders.update(0, "customers/c", null); // ended before we caught up: never reminded
        assertThat(reminders.due(T0.plusSeconds(50))).isEmpty(); // not caught up yet
        reminders.caughtUp(0);
        assertThat(reminders.due(T0.plusSeconds(39))).isEmpty();
        assertThat(reminders.due(T0.plusSeconds(40))).extracting(Grant::requestId).containsExactly("a");
        assertThat(reminders.due(T0.plusSeconds(41))).isEmpty();
        assertThat(reminders.due(T0.plusSeconds(1000))).isEmpty(); // b expired unreminded: too late to say it ends soon
    }

    @Test
    void aNewOwnerRemindsAgainFromTheTopic() {
        ExpiryReminders reminders = new ExpiryReminders(Duration.ofSeconds(60));
        reminders.assigned(1);
        reminders.update(1, "customers/a", grant("a", 100));
        reminders.caughtUp(1);
        assertThat(reminders.due(T0.plusSeconds(50))).hasSize(1);
        reminders.revoked(List.of(1));
        assertThat(reminders.due(T0.plusSeconds(51))).isEmpty();
        reminders.assigned(1);
        reminders.update(1, "customers/a", grant("a", 100));
        reminders.caughtUp(1);
        assertThat(reminders.due(T0.plusSeconds(52))).extracting(Grant::requestId).containsExactly("a");
    }

    @Test
    void anExtendedGrantIsRemindedAgainOfItsNewExpiry() {
        ExpiryReminders reminders = new ExpiryReminders(Duration.ofSeconds(60));
        reminders.assigned(0);
        reminders.update(0, "customers/a", grant("a", 100));
        reminders.caughtUp(0);
        assertThat(reminders.due(T0.plusSeconds(50))).extracting(Grant::expiresAt).containsExactly(T0.plusSeconds(100));
        // The same grant, published again with a later expiresAt (GRANT_EXTENDED): a new window, a new reminder.
        reminders.update(0, "customers/a", grant("a", 400));
        assertThat(reminders.due(T0.plusSeconds(60))).isEmpty();
        assertThat(reminders.due(T0.plusSeconds(340))).extracting(Grant::expiresAt).containsExactly(T0.plusSeconds(400));
        assertThat(reminders.due(T0.plusSeconds(341))).isEmpty();
        // Published again unchanged (a re-read of the topic): no second reminder.
        reminders.update(0, "customers/a", grant("a", 400));
        assertThat(reminders.due(T0.plusSeconds(342))).isEmpty();
    }
}
