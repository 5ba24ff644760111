package io.behalf.bench;

import java.util.List;

/**
 * How much each benchmark does. The full plan is what the README table comes from; its warm-ups and repetition
 * counts were chosen so that a rerun of a figure's median stays within 10% (the CV columns show it per run).
 */
record Plan(String name, int ingestRecords, int ingestWarmups, int ingestRepetitions, List<Integer> latencyRates, int latencyWarmupSeconds,
        int latencyWindowSeconds, int latencyWindows, int checkConnections, int checkWarmupSeconds, int checkWindowSeconds,
        int checkRepetitions, int pipelineBatch, int pipelineRepetitions, int startupRepetitions,
        List<Integer> growthSizes, int growthIngest, int growthRepetitions, int queryRepetitions) {

    static Plan full() {
        return new Plan("full", 20_000, 3, 5, List.of(100, 500, 1000), 40, 2, 3, 16, 8, 5, 5, 200, 3, 3,
                List.of(10_000, 100_000, 1_000_000), 10_000, 3, 200);
    }

    static Plan quick() {
        return new Plan("quick", 5_000, 1, 2, List.of(100, 500, 1000), 1, 2, 2, 16, 3, 3, 2, 50, 2, 1,
                List.of(10_000, 100_000), 3_000, 1, 50);
    }

    Plan withLatencyRates(List<Integer> rates) {
        return new Plan(name, ingestRecords, ingestWarmups, ingestRepetitions, rates, latencyWarmupSeconds, latencyWindowSeconds,
                latencyWindows, checkConnections, checkWarmupSeconds, checkWindowSeconds, checkRepetitions,
                pipelineBatch, pipelineRepetitions, startupRepetitions, growthSizes, growthIngest, growthRepetitions,
                queryRepetitions);
    }

    /**
     * Repetitions are preceded by one warm-up of the same size that is not reported. Ingest has more
     * ({@link #ingestWarmups}): audit-service's heap starts at -Xms16m and grows under the backlog over about 60,000
     * events, collecting more often, full collections included, until it has (jstat), so with one warm-up its rate
     * still rose repetition by repetition.
     */
    static final int WARMUPS = 1;
}
