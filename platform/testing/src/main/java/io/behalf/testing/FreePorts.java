package io.behalf.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports on 127.0.0.1 that are free now and stay free until something listens on them. A port from the kernel's
 * ephemeral range (what {@code new ServerSocket(0)} hands out) does not: any client connection opened meanwhile,
 * to Kafka, PostgreSQL or a stand-in, may take it as its source port, and the service started on it seconds later
 * fails with "Port ... seems to be in use" (seen in the fault suite and the benchmarks). So these come from below
 * that range, and none is handed out twice by this JVM.
 */
public final class FreePorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    /** Read once: the range is the kernel's setting, not something that changes while ports are handed out. */
    private static final int BELOW = ephemeralRangeStart();

    private FreePorts() {
    }

    /** A free port below the ephemeral range. */
    public static int next() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, BELOW - 1);
            if (isFree(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + BELOW);
    }

    /** A free port whose successor is free too (Kafka's broker and controller), both handed out. */
    public static int nextPair() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = next();
            if (isFree(port + 1) && HANDED_OUT.add(port + 1)) {
                return port;
            }
        }
        throw new IllegalStateException("no two free ports in a row below " + BELOW);
    }

    /** Whether nothing listens on the port now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port the kernel may hand to a client connection; Linux's default where it cannot be read. */
    static int ephemeralRangeStart() {
        try {
            int start = Integer.parseInt(Files.readString(EPHEMERAL_RANGE).trim().split("\\s+")[0]);
            return start > LOWEST + 1_000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
