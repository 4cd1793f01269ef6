package io.jitmask.scale;

import io.jitmask.testing.JitmaskStack;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ApprovalFloodIT}'s flood at 50,000 signed requests (-Psoak), on a stack of its own: the runaway requests
 * of the 2,000-request flood stay pending in that class's application, so a second flood there would see dave at
 * his limit before it starts.
 */
@Tag("soak")
class ApprovalFloodSoakIT {
    @RegisterExtension
    static final JitmaskStack STACK = ApprovalFloodIT.stack("flood-soak");

    @Test
    void fiftyThousandSignedRequests() throws Exception {
        ApprovalFloodIT.flood(STACK, 50_000);
    }
}
