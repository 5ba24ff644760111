package io.behalf.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time a process has used (user + system, from /proc), so that a benchmark can say what one event costs in
 * CPU: unlike a latency on a shared 2-core machine, that figure does not depend on what else runs.
 */
final class CpuTime {

    /** Linux reports /proc times in clock ticks of 1/100 s (USER_HZ) on every architecture we run on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private CpuTime() {
    }

    static double seconds(long pid) {
        return seconds(pid, false);
    }

    /**
     * @param reapedChildren also the time of its children that ended and were waited for: a backend that closed
     *        between two readings would otherwise take its time with it, and the difference could even go negative
     */
    private static double seconds(long pid, boolean reapedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (reapedChildren) {
                ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            }
            return ticks / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0; // the process ended meanwhile: its time is gone with it
        }
    }

    /**
     * All PostgreSQL processes together (the server and its backends, one per pooled connection), with the
     * backends that already ended, which the server process reaped.
     */
    static double postgresSeconds() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return Files.readString(p.resolve("comm")).trim().equals("postgres");
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .mapToDouble(p -> seconds(Long.parseLong(p.getFileName().toString()), true)).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
