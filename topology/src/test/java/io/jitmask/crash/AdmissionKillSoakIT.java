package io.jitmask.crash;

import io.jitmask.crash.AdmissionKillIT.KillPoint;
import io.jitmask.crash.AdmissionKillIT.Round;
import io.jitmask.crash.AdmissionKillIT.Wave;
import io.jitmask.testing.JitmaskStack;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link AdmissionKillIT} at every kill point with both kinds of wave (-Psoak: eight SIGKILLs, about two minutes on a
 * quiet machine), on a stack of its own.
 */
@Tag("soak")
class AdmissionKillSoakIT {
    @RegisterExtension
    static final JitmaskStack STACK = AdmissionKillIT.stack("admkill-soak");

    @Test
    void sigkillAtEveryPointOfTheAdmissionRoundTripLosesAndDoublesNothing() throws Exception {
        List<Round> rounds = new ArrayList<>();
        for (KillPoint kill : KillPoint.values()) {
            for (Wave wave : Wave.values()) {
                rounds.add(new Round(wave, kill));
            }
        }
        new AdmissionKillIT.Scenario(STACK, "dave").run(rounds);
    }
}
