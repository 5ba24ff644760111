package io.behalf.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Ports for services started later: outside the range client connections take source ports from, never twice. */
class FreePortsTest {

    @Test
    void portsAreFreeBelowTheEphemeralRangeAndNeverHandedOutTwice() throws Exception {
        int ephemeral = FreePorts.ephemeralRangeStart();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = FreePorts.next();
            assertThat(port).isBetween(10_000, ephemeral - 1);
            assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
        }
        int port = FreePorts.next();
        try (ServerSocket bound = new ServerSocket()) {
            bound.bind(new InetSocketAddress("127.0.0.1", port));
            assertThat(FreePorts.isFree(port)).isFalse();
        }
        assertThat(FreePorts.isFree(port)).isTrue();
    }

    @Test
    void aPairLeavesItsSecondPortToItsOwnerAlone() {
        int first = FreePorts.nextPair();
        assertThat(FreePorts.isFree(first + 1)).isTrue();
        for (int i = 0; i < 500; i++) {
            assertThat(FreePorts.next()).isNotIn(first, first + 1);
        }
    }
}
