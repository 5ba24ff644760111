package io.behalf.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-loop load client (wrk's model, in Java: wrk is not on these machines): each connection sends its next
 * request when the previous answer has arrived, for a fixed time. Every answer must be 200, else the run fails.
 */
final class ClosedLoopLoad {

    record Result(double perSecond, double p50Ms, double p99Ms, int requests) {
    }

    private final int connections;
    private final String token;

    ClosedLoopLoad(int connections, String token) {
        this.connections = connections;
        this.token = token;
    }

    Result run(URI uri, Duration duration) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).GET().build();
        List<long[]> latencies = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(connections);
        long end = System.nanoTime() + duration.toNanos();
        long[] started = {System.nanoTime()};
        List<int[]> counts = new ArrayList<>();
        for (int t = 0; t < connections; t++) {
            long[] own = new long[2_000_000];
            int[] count = {0};
            latencies.add(own);
            counts.add(count);
            Thread thread = new Thread(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                try {
                    while (System.nanoTime() < end && count[0] < own.length) {
                        long t0 = System.nanoTime();
                        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                        own[count[0]++] = System.nanoTime() - t0;
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                } finally {
                    done.countDown();
                }
            }, "load-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        done.await();
        double seconds = (System.nanoTime() - started[0]) / 1e9;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " requests to " + uri.getPath() + " did not answer 200");
        }
        int total = counts.stream().mapToInt(c -> c[0]).sum();
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < connections; t++) {
            System.arraycopy(latencies.get(t), 0, all, at, counts.get(t)[0]);
            at += counts.get(t)[0];
        }
        return new Result(total / seconds, Samples.percentile(all, 50) / 1e6, Samples.percentile(all, 99) / 1e6, total);
    }
}
