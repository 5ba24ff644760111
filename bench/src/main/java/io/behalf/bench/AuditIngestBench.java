package io.behalf.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.behalf.events.EventFixtures;
import io.behalf.events.EventType;
import io.behalf.events.Topics;
import io.behalf.local.BenchStack;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Audit ingest: {@code consent.events} records into the hash-chained table, against the two ceilings of the same
 * run: a plain Kafka consumer reading the same records from the same broker, and a plain JDBC batch insert of the
 * same rows (read back from the log) into an identical table (same columns, constraints and indexes, no trigger)
 * in the same PostgreSQL, in transactions of the service's poll size (500).
 *
 * <p>The service runs warm throughout: the records are produced as fast as the broker takes them, so it works
 * through a backlog, and its rate is the rows it appended between two observations of the chain head.
 */
final class AuditIngestBench {

    static final int BATCH = 500;
    /** Passes of each raw baseline per repetition; the repetition's figure is their median. */
    static final int RAW_PASSES = 3;

    private final BenchStack stack;
    private final BenchKafka kafka;
    private final Plan plan;
    private final Report report;

    AuditIngestBench(BenchStack stack, BenchKafka kafka, Plan plan, Report report) {
        this.stack = stack;
        this.kafka = kafka;
        this.plan = plan;
        this.report = report;
    }

    static Connection connect(BenchStack stack) throws SQLException {
        return DriverManager.getConnection(stack.jdbcUrl(BenchStack.AUDIT) + "?reWriteBatchedInserts=true",
                io.behalf.testing.EmbeddedPostgresServer.USER, io.behalf.testing.EmbeddedPostgresServer.PASSWORD);
    }

    /** The other readers of consent.events (the benchmark's records are not theirs to work on). */
    static final List<String> OTHER_CONSENT_READERS = List.of(BenchStack.EMAIL_RELEASE, BenchStack.IMPERSONATION);

    void run() throws Exception {
        OTHER_CONSENT_READERS.forEach(stack::stop);
        try {
            measure();
        } finally {
            for (String service : OTHER_CONSENT_READERS) {
                stack.skipToEnd(service, Topics.CONSENT_EVENTS);
                stack.start(service);
            }
            for (String service : OTHER_CONSENT_READERS) {
                stack.awaitReady(service, Duration.ofSeconds(180));
            }
        }
    }

    private void measure() throws Exception {
        List<Double> service = new ArrayList<>();
        List<Double> jdbc = new ArrayList<>();
        List<Double> consume = new ArrayList<>();
        List<Double> batches = new ArrayList<>();
        List<Double> serviceCpu = new ArrayList<>();
        List<Double> serviceDbCpu = new ArrayList<>();
        List<Double> rawDbCpu = new ArrayList<>();
        try (Connection db = connect(stack)) {
            try (Statement s = db.createStatement()) {
                s.execute("create table if not exists bench_raw_record (like audit_record including all)");
            }
            for (int rep = 0; rep < plan.ingestWarmups() + plan.ingestRepetitions(); rep++) {
                Map<TopicPartition, Long> from = kafka.endOffsets(Topics.CONSENT_EVENTS);
                long head = head(db);
                long pid = stack.pid(BenchStack.AUDIT);
                double cpu = CpuTime.seconds(pid);
                double dbCpu = CpuTime.postgresSeconds();
                produce(plan.ingestRecords(), "AI" + rep);
                double serviceRate = awaitIngest(db, head, plan.ingestRecords(), Duration.ofMinutes(5));
                awaitPublished(db, Duration.ofMinutes(1));
                // CPU per event, the relay's publishing included: unlike the rate, it does not depend on what else
                // ran on the shared cores meanwhile
                double cpuPerEvent = (CpuTime.seconds(pid) - cpu) * 1e6 / plan.ingestRecords();
                double dbCpuPerEvent = (CpuTime.postgresSeconds() - dbCpu) * 1e6 / plan.ingestRecords();
                batches.add(meanBatch(db, head));
                // a raw pass takes about a second, so one pass per repetition swung with whatever else ran in that
                // second and, early in the run, with the suite's JIT still compiling the driver's path: three passes,
                // the median taken (the warm-ups' passes warm that path)
                List<Double> consumePasses = new ArrayList<>();
                List<Double> jdbcPasses = new ArrayList<>();
                double rawDb = CpuTime.postgresSeconds();
                for (int pass = 0; pass < RAW_PASSES; pass++) {
                    consumePasses.add(rawConsume(from, plan.ingestRecords()));
                    jdbcPasses.add(rawInsert(db, head, plan.ingestRecords()));
                }
                double rawDbPerRow = (CpuTime.postgresSeconds() - rawDb) * 1e6 / (RAW_PASSES * plan.ingestRecords());
                double consumeRate = Spread.of(consumePasses).median();
                double jdbcRate = Spread.of(jdbcPasses).median();
                Bench.log("audit ingest rep %d: service %.0f/s (%.0f rows a transaction, CPU µs/event %.0f + PostgreSQL "
                        + "%.0f), raw JDBC %.0f/s of %s (PostgreSQL µs/row %.0f), raw consume %.0f/s of %s", rep,
                        serviceRate, batches.get(batches.size() - 1), cpuPerEvent, dbCpuPerEvent, jdbcRate,
                        rounded(jdbcPasses), rawDbPerRow, consumeRate, rounded(consumePasses));
                if (rep >= plan.ingestWarmups()) {
                    service.add(serviceRate);
                    jdbc.add(jdbcRate);
                    consume.add(consumeRate);
                    serviceCpu.add(cpuPerEvent);
                    serviceDbCpu.add(dbCpuPerEvent);
                    rawDbCpu.add(rawDbPerRow);
                }
            }
            // the rows this benchmark wrote would otherwise wake autovacuum in the middle of the next benchmark's
            // windows (seen in a full run's latency windows): they are its setup, not the next one's load
            try (Statement s = db.createStatement()) {
                s.execute("drop table bench_raw_record");
                s.execute("vacuum analyze audit_record");
            }
        }
        report.raw("audit-ingest", "service events/s", service, "events/s");
        report.raw("audit-ingest", "raw JDBC batch insert rows/s", jdbc, "rows/s");
        report.raw("audit-ingest", "raw Kafka consume records/s", consume, "records/s");
        report.raw("audit-ingest", "audit-service CPU per event", serviceCpu, "µs");
        report.raw("audit-ingest", "PostgreSQL CPU per event (service)", serviceDbCpu, "µs");
        report.raw("audit-ingest", "PostgreSQL CPU per row (raw JDBC)", rawDbCpu, "µs");
        List<Double> ratios = ratios(service, jdbc);
        Spread ratio = Spread.of(ratios);
        report.target("Audit ingest vs raw JDBC batch insert", String.format("%.2f", ratio.median()), "≥ 0.5",
                ratio.median() >= 0.5);
        List<String> charts = report.section("Audit ingest (" + plan.ingestRecords() + " consent.events records per repetition)",
                plan.ingestWarmups() + (plan.ingestWarmups() == 1 ? " warm-up + " : " warm-ups + ")
                        + plan.ingestRepetitions() + " repetitions; median (min–max, CV). Ratio per repetition, service "
                        + "over raw JDBC in the same repetition; each raw figure of a repetition is the median of "
                        + RAW_PASSES + " passes over its records. The other readers of "
                        + "consent.events (email-release, impersonation-alert) are stopped meanwhile and skip these records. "
                        + "CPU per event: from the first record produced until the last one is stored and published on "
                        + "audit.records; PostgreSQL counts every backend.",
                List.of("path", "rate", "ratio to raw JDBC", "CPU µs/event: Java process", "PostgreSQL"),
                List.of(List.of("audit-service: Kafka → dedupe + hash chain, audit.records published from the log", Spread.of(service).describe("%.0f/s"),
                                ratio.describe("%.2f"), Spread.of(serviceCpu).describe("%.0f"),
                                Spread.of(serviceDbCpu).describe("%.0f")),
                        List.of("raw JDBC batch insert of the same rows (batches of " + BATCH + ")", Spread.of(jdbc).describe("%.0f/s"), "1",
                                "–", Spread.of(rawDbCpu).describe("%.0f")),
                        List.of("raw Kafka consume of the same records (ceiling)", Spread.of(consume).describe("%.0f/s"),
                                Spread.of(ratios(consume, jdbc)).describe("%.2f"), "–", "–")));
        CategoryChart chart = new CategoryChartBuilder().width(700).height(400).title("Audit ingest (median)")
                .yAxisTitle("events/s").build();
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("rate", List.of("raw Kafka consume", "raw JDBC insert", "audit-service"),
                List.of(Spread.of(consume).median(), Spread.of(jdbc).median(), Spread.of(service).median()));
        report.chart(charts, chart, "audit-ingest");
    }

    /** A log line's list of measured values, to the unit: [25281, 24407, 24045]. */
    static String rounded(List<Double> values) {
        return values.stream().map(v -> String.format("%.0f", v)).collect(Collectors.joining(", ", "[", "]"));
    }

    static List<Double> ratios(List<Double> a, List<Double> b) {
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            r.add(a.get(i) / b.get(i));
        }
        return r;
    }

    /** Valid consent.requested records (the contract's fixture), a ticket each, ten tickets share a key space. */
    void produce(int n, String run) {
        ObjectNode fixture = (ObjectNode) Http.tree(EventFixtures.json(EventType.CONSENT_REQUESTED));
        for (int i = 0; i < n; i++) {
            ObjectNode e = fixture.deepCopy();
            String ticket = "ZD-" + run + "-" + i;
            e.put("consentId", UUID.randomUUID().toString());
            e.put("ticketId", ticket);
            kafka.send(EventType.CONSENT_REQUESTED, ticket, e.toString());
        }
        kafka.flush();
    }

    /** Rows per appending transaction: a batch shares its recordedAt. */
    static double meanBatch(Connection db, long head) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(
                "select count(*)::float / count(distinct recorded_at) from audit_record where chain = 0 and seq > ?")) {
            s.setLong(1, head);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        }
    }

    static long head(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                "select coalesce(max(seq), 0) from audit_record where chain = 0")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until audit-service published every stored record of chain 0 on audit.records. */
    static void awaitPublished(Connection db, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(
                    "select coalesce((select published_seq from audit_publication where chain = 0), 0) "
                            + ">= coalesce((select max(seq) from audit_record where chain = 0), 0)")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("audit-service did not publish its records within " + within.toSeconds() + " s");
    }

    /** Rows per second appended between the first and last observation of a growing chain head. */
    static double awaitIngest(Connection db, long head, int n, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        long firstAt = 0;
        long firstSeq = head;
        while (System.nanoTime() < deadline) {
            long seq = head(db);
            long now = System.nanoTime();
            if (firstAt == 0 && seq > head) {
                firstAt = now;
                firstSeq = seq;
            }
            if (seq >= head + n) {
                return (seq - firstSeq) / ((now - firstAt) / 1e9);
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("audit-service stored " + (head(db) - head) + " of " + n + " events in "
                + within.toSeconds() + " s");
    }

    private double rawConsume(Map<TopicPartition, Long> from, int n) {
        try (KafkaConsumer<String, String> c = kafka.consumer()) {
            c.assign(from.keySet());
            from.forEach(c::seek);
            long start = System.nanoTime();
            int read = 0;
            while (read < n) {
                read += c.poll(Duration.ofMillis(200)).count();
            }
            return read / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Inserts the rows the service just stored, as they are stored, into the bare table. */
    private double rawInsert(Connection db, long head, int n) throws SQLException {
        String columns = "chain, seq, event_id, type, source, subject, ticket_id, actor, occurred_at, recorded_at, data, "
                + "notes, prev_hash, hash, spec_version, data_content_type, record_key, topic, kafka_partition, kafka_offset";
        List<Object[]> rows = new ArrayList<>(n);
        try (PreparedStatement s = db.prepareStatement("select " + columns + " from audit_record where chain = 0 and seq > ? "
                + "order by seq limit ?")) {
            s.setLong(1, head);
            s.setInt(2, n);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Object[] row = new Object[20];
                    for (int i = 0; i < 20; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    rows.add(row);
                }
            }
        }
        try (Statement s = db.createStatement()) {
            s.execute("truncate bench_raw_record");
        }
        db.setAutoCommit(false);
        long start = System.nanoTime();
        try (PreparedStatement insert = db.prepareStatement("insert into bench_raw_record (" + columns
                + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < rows.size(); i++) {
                for (int col = 0; col < 20; col++) {
                    insert.setObject(col + 1, rows.get(i)[col]);
                }
                insert.addBatch();
                if ((i + 1) % BATCH == 0 || i == rows.size() - 1) {
                    insert.executeBatch();
                    db.commit();
                }
            }
        } finally {
            db.setAutoCommit(true);
        }
        return rows.size() / ((System.nanoTime() - start) / 1e9);
    }
}
