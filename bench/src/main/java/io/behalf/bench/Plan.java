package io.behalf.bench;

import java.util.List;

/**
 * How much each benchmark does. The full plan is what the README table comes from; its warm-ups and repetition
 * counts were chosen so that a rerun of a figure's median stays within 10% (the CV columns show it per run).
 */
record Plan(String name, int ingestRecords, int ingestRepetitions, List<Integer> latencyRates, int latencyWarmupSeconds,
        int latencyWindowSeconds, int latencyWindows, int checkConnections, int checkWarmupSeconds, int checkWindowSeconds,
        int checkRepetitions, int pipelineBatch, int pipelineRepetitions, int startupRepetitions,
        List<Integer> growthSizes, int growthIngest, int growthRepetitions, int queryRepetitions) {

    static Plan full() {
        return new Plan("full", 20_000, 5, List.of(100, 500, 1000), 40, 2, 3, 16, 8, 5, 3, 200, 3, 3,
                List.of(10_000, 100_000, 1_000_000), 10_000, 3, 200);
    }

    static Plan quick() {
        return new Plan("quick", 5_000, 2, List.of(100, 500, 1000), 1, 2, 2, 16, 3, 3, 2, 50, 2, 1,
                List.of(10_000, 100_000), 3_000, 1, 50);
    }

    Plan withLatencyRates(List<Integer> rates) {
        return new Plan(name, ingestRecords, ingestRepetitions, rates, latencyWarmupSeconds, latencyWindowSeconds,
                latencyWindows, checkConnections, checkWarmupSeconds, checkWindowSeconds, checkRepetitions,
                pipelineBatch, pipelineRepetitions, startupRepetitions, growthSizes, growthIngest, growthRepetitions,
                queryRepetitions);
    }

    /** Repetitions are preceded by one warm-up of the same size that is not reported. */
    static final int WARMUPS = 1;
}
