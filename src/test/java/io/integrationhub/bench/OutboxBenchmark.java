package io.integrationhub.bench;

import io.integrationhub.events.OutboxRelay;

import io.integrationhub.HubApplication;
import io.integrationhub.events.OutboxEvent;
import io.integrationhub.events.OutboxWriter;
import io.integrationhub.platform.database.HubDatabase;
import io.integrationhub.platform.kafka.HubKafka;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.clients.producer.Producer;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Outbox benchmark: a measurement, not a test (the name ends in neither Test nor IT, so Surefire never runs it).
 * Run it with {@code bench/outbox/run.sh}, from the repository folder (it needs config/, routes/, kamelets/).
 *
 * <p>Starts the whole hub in this JVM (dev profile, local PostgreSQL database {@code hub_bench}, a fresh in-process
 * Kafka broker in {@code target/bench-data-<id>}, a fresh default topic) and measures, in one run:
 * <ol>
 * <li>commit-to-ack latency at a paced offered load (default 1,000 events/s, one event per business transaction),
 *     per event: the writer's commit returning to the Kafka ack reaching the relay's producer (a send callback
 *     added by wrapping the hub's producer bean, {@link AckRecorder}); also the relay's own timer
 *     {@code hub.outbox.commit.to.ack} (outbox row created_at = start of the writer's transaction, to the relay's
 *     commit after the ack; phase-only, from the difference of its histogram buckets) and the end-to-end time from
 *     the writer's commit returning to a plain KafkaConsumer in this JVM receiving the record. Baseline: a raw
 *     KafkaProducer's send-to-ack at the same rate.</li>
 * <li>sustained relay throughput: writer threads run business transactions (one bench_order row plus
 *     {@code eventsPerTx} events via one {@link OutboxWriter#appendAll} in a {@link TransactionTemplate}) while the
 *     real relay route publishes them; timed from just before the first insert to the last event's published_at.</li>
 * <li>backlog drain: the relay route stopped, a backlog inserted, then the route started; timed to the last
 *     published_at.</li>
 * <li>baseline (a): a raw kafka-clients KafkaProducer with the relay producer's settings sending the same number
 *     of records of the same size, key and headers to the same broker.</li>
 * <li>baseline (b): plain JDBC claim-and-mark of the same backlog in the same table (SELECT ... FOR UPDATE SKIP
 *     LOCKED, UPDATE to published, one transaction per batch), no Kafka.</li>
 * </ol>
 * Before them, rounds of the sustained and latency work with results discarded warm the JIT up (until it compiles
 * little). Settings are system properties ({@code -Dbench.events=...}); see {@code bench/README.md}. The run aborts itself
 * after {@code bench.maxMinutes} (default 10).
 */
public final class OutboxBenchmark {

    private static final int EVENTS = setting("events", 300_000);
    private static final int BACKLOG = setting("backlog", 100_000);
    private static final int WRITERS = setting("writers", 4);
    private static final int EVENTS_PER_TX = setting("eventsPerTx", 10);
    private static final int LATENCY_RATE = setting("latencyRate", 1_000);
    private static final int LATENCY_SECONDS = setting("latencySeconds", 30);
    private static final int LATENCY_WRITERS = setting("latencyWriters", 4);
    private static final int BASELINE_LATENCY_SECONDS = setting("baselineLatencySeconds", 10);
    private static final int WARMUP = setting("warmup", 20_000);
    /** most 5-second rounds of paced warm-up (the latency phase's shape) while the JIT is still busy */
    private static final int WARMUP_ROUNDS = setting("warmupRounds", 12);
    /** JIT compilation time per 5-second round below which the warm-up ends */
    private static final int WARMUP_JIT_MS = setting("warmupJitMs", 250);
    private static final int CLAIM_BATCH = setting("claimBatch", 1_000);
    private static final int MAX_MINUTES = setting("maxMinutes", 10);
    private static final String DB_NAME = System.getProperty("bench.db", "hub_bench");
    private static final Path RESULTS_DIR = Path.of(System.getProperty("bench.results", "bench/results"));
    private static final boolean KEEP_DATA = Boolean.getBoolean("bench.keepData");

    private static final String RELAY_ROUTE = "events-outbox-relay";
    private static final String RELAY_POLL_ROUTE = "events-outbox-relay-poll";
    private static final String RELAY_WAKE = "seda:events-outbox-relay-wake?size=1&discardWhenFull=true";
    private static final String COMMIT_TO_ACK = "hub.outbox.commit.to.ack";
    private static final String PUBLISHED = "hub.outbox.published";
    private static final int TENANTS = 8;

    /** Same rows as {@link #event}, written by one statement: the backlog of the drain and of baseline (b). */
    private static final String FILL = """
            INSERT INTO event_outbox (id, event_type, event_version, aggregate_type, aggregate_id, tenant_id, payload, metadata)
            SELECT gen_random_uuid(),
                   CASE WHEN g % 10 = 0 THEN 'order.created' ELSE 'order.line_added' END, 1, 'order',
                   'order-' || md5((g / 10)::text)::uuid, 'tenant-' || ((g / 10) % 8),
                   format('{"orderId":"order-%s","line":%s,"sku":"SKU-%s","quantity":%s,"amount":{"value":"%s.50","currency":"EUR"},"note":"outbox benchmark"}',
                          md5((g / 10)::text)::uuid, g % 10, g % 97, 1 + g % 5, g % 1000)::jsonb,
                   jsonb_build_object('correlation_id', 'corr-order-' || md5((g / 10)::text)::uuid,
                                      'user_id', 'user-' || (g % 50), 'organization_id', 'org-tenant-' || ((g / 10) % 8))
            FROM generate_series(?, ?) g
            """;

    private static final String BASELINE_CLAIM = """
            SELECT id, position, event_type, event_version, aggregate_type, aggregate_id, tenant_id,
                   payload::text AS payload, metadata::text AS metadata, retry_count, created_at
            FROM event_outbox
            WHERE status = 'pending'
            ORDER BY position
            LIMIT ?
            FOR UPDATE SKIP LOCKED
            """;

    private static final String BASELINE_MARK = """
            UPDATE event_outbox t
            SET status = 'published', published_at = now(), claimed_by = NULL, claimed_until = NULL
            FROM unnest(?::text[], ?::uuid[], ?::timestamptz[]) AS k(tenant_id, id, created_at)
            WHERE t.tenant_id = k.tenant_id AND t.id = k.id AND t.created_at = k.created_at
            """;

    /** event id -> System.nanoTime() when the relay's producer got the Kafka ack; filled while not null */
    private static volatile Map<String, Long> ackNanos;

    /**
     * Wraps the hub's relay producer ({@code eventsKafkaProducer}) so that each {@code send(record)} becomes
     * {@code send(record, callback)} with a callback noting when the ack arrived, by the record's event_id header.
     * Sends, settings and the relay's own waiting are unchanged; the callback runs on the producer's I/O thread.
     */
    static final class AckRecorder implements BeanPostProcessor {
        @Override
        @SuppressWarnings("unchecked")
        public Object postProcessAfterInitialization(Object bean, String name) {
            if (!"eventsKafkaProducer".equals(name) || !(bean instanceof Producer<?, ?>)) {
                return bean;
            }
            Producer<String, byte[]> delegate = (Producer<String, byte[]>) bean;
            InvocationHandler handler = (proxy, method, args) -> {
                if (method.getName().equals("send") && args.length == 1) {
                    ProducerRecord<String, byte[]> record = (ProducerRecord<String, byte[]>) args[0];
                    String id = header(record.headers().lastHeader("event_id"));
                    return delegate.send(record, (metadata, error) -> {
                        long now = System.nanoTime();
                        Map<String, Long> acks = ackNanos;
                        if (error == null && acks != null && id != null) {
                            acks.putIfAbsent(id, now);
                        }
                    });
                }
                try {
                    return method.invoke(delegate, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            };
            return Proxy.newProxyInstance(Producer.class.getClassLoader(), new Class<?>[] {Producer.class}, handler);
        }
    }

    private final ConfigurableApplicationContext context;
    private final String runId;
    private final String topic;
    private final CamelContext camel;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final OutboxWriter outbox;
    private final HubDatabase database;
    private final String bootstrap;
    private final Timer commitToAck;
    private final Counter publishedCounter;
    /** events whose business transaction has committed (all writers) */
    private final AtomicLong committed = new AtomicLong();
    private final List<String> notes = new ArrayList<>();

    private OutboxBenchmark(ConfigurableApplicationContext context, String runId, String topic) {
        this.context = context;
        this.runId = runId;
        this.topic = topic;
        this.camel = context.getBean(CamelContext.class);
        this.jdbc = context.getBean(JdbcTemplate.class);
        this.transaction = context.getBean(TransactionTemplate.class);
        this.outbox = context.getBean(OutboxWriter.class);
        this.database = context.getBean(HubDatabase.class);
        this.bootstrap = context.getBean(HubKafka.class).bootstrapServers();
        this.commitToAck = context.getBeansOfType(MeterRegistry.class).values().stream()
                .map(r -> r.find(COMMIT_TO_ACK).timer()).filter(t -> t != null).findFirst()
                .orElseThrow(() -> new IllegalStateException("no timer " + COMMIT_TO_ACK + " in the hub"));
        this.publishedCounter = context.getBeansOfType(MeterRegistry.class).values().stream()
                .map(r -> r.find(PUBLISHED).counter()).filter(c -> c != null).findFirst()
                .orElseThrow(() -> new IllegalStateException("no counter " + PUBLISHED + " in the hub"));
    }

    public static void main(String[] args) throws Exception {
        startWatchdog();
        if (!DB_NAME.contains("bench")) {
            throw new IllegalArgumentException("bench.db must name a bench database (it is truncated), got " + DB_NAME);
        }
        String runId = UUID.randomUUID().toString().substring(0, 8);
        String topic = "bench-events-" + runId;
        Path dataDir = Path.of("target", "bench-data-" + runId);
        Path logFile = Path.of("target", "bench-outbox-" + runId + ".log");
        String loadBefore = loadAverage();
        log("run %s: starting the hub (dev profile, database %s, in-process Kafka in %s, topic %s); hub log: %s",
                runId, DB_NAME, dataDir, topic, logFile);
        long t0 = System.nanoTime();
        ConfigurableApplicationContext context = null;
        int exit = 1;
        try {
            context = new SpringApplicationBuilder(HubApplication.class).profiles("dev")
                    .initializers(c -> c.getBeanFactory().addBeanPostProcessor(new AckRecorder()))
                    .run(
                    "--server.port=0",
                    "--hub.db.url=",                       // never a configured database: the local server's bench DB
                    "--hub.db.name=" + DB_NAME,
                    "--hub.kafka.bootstrap-servers=",      // always the fresh in-process broker
                    "--hub.kafka.embedded-port=" + freePort(),
                    "--hub.data-dir=" + dataDir,
                    "--hub.routes.reload-enabled=false",
                    "--spring.jmx.enabled=false",
                    "--hub.events.default-topic=" + topic,
                    "--hub.events.audit.subscription=bench-audit-" + runId,
                    // phase-only percentiles of the relay's own timer: cumulative histogram buckets, read before/after
                    "--management.metrics.distribution.percentiles-histogram." + COMMIT_TO_ACK + "=true",
                    "--management.metrics.distribution.minimum-expected-value." + COMMIT_TO_ACK + "=1ms",
                    "--management.metrics.distribution.maximum-expected-value." + COMMIT_TO_ACK + "=30s",
                    "--logging.file.name=" + logFile,
                    "--logging.threshold.console=WARN");
            log("hub started in %.1f s", (System.nanoTime() - t0) / 1e9);
            OutboxBenchmark bench = new OutboxBenchmark(context, runId, topic);
            bench.run(loadBefore);
            exit = 0;
        } catch (Throwable e) {
            System.err.println("outbox benchmark failed: " + e);
            e.printStackTrace();
        } finally {
            if (context != null) {
                log("closing the hub");
                context.close();
            }
            if (!KEEP_DATA) {
                deleteTree(dataDir);
            }
        }
        System.exit(exit);
    }

    // ---------------------------------------------------------------------------------------------------- the run

    private void run(String loadBefore) throws Exception {
        String dbName = jdbc.queryForObject("SELECT current_database()", String.class);
        if (dbName == null || !dbName.contains("bench")) {
            throw new IllegalStateException("the hub is on database '" + dbName + "', not a bench database: stopping");
        }
        String dbVersion = jdbc.queryForObject("SELECT version()", String.class);
        jdbc.execute("CREATE TABLE IF NOT EXISTS bench_order (tenant_id text NOT NULL, id uuid NOT NULL, "
                + "amount integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tenant_id, id))");
        truncate();
        stopAuditSubscription();

        KafkaProducer<String, byte[]> raw = rawProducer();
        String rawTopic = "bench-raw-" + runId;
        try {
            // ---- warm-up: JIT of writer, relay, producer and consumer paths; creates both topics
            log("warm-up: %,d raw records, then rounds of the sustained and latency work", WARMUP);
            sendRaw(raw, rawTopic, WARMUP);
            warmUp();
            truncate();

            Latency latency = latencyPhase(LATENCY_SECONDS);
            truncate();
            Latency rawLatency = rawLatencyPhase(raw, rawTopic);
            Throughput sustained = sustainedPhase();
            truncate();
            Throughput drain = drainPhase();
            truncate();
            double sqlRate = sqlBaseline();
            truncate();
            double kafkaRate = rawThroughput(raw, rawTopic);
            startRelay();

            report(loadBefore, dbVersion, latency, rawLatency, sustained, drain, kafkaRate, sqlRate);
        } finally {
            raw.close(Duration.ofSeconds(10));
        }
    }

    /** The audit-log subscription would write every bench event to event_log: its consumer routes are stopped. */
    private void stopAuditSubscription() throws Exception {
        List<String> stop = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            String uri = route.getEndpoint().getEndpointUri();
            if (uri.startsWith("kafka:") && uri.contains(topic)) {
                stop.add(route.getRouteId()); // the subscription-source Kamelet's consumer on the bench topic
            }
        }
        stop.add("events-audit-log");
        for (String id : stop) {
            camel.getRouteController().stopRoute(id);
        }
        String line = "stopped routes " + stop + " (the events-audit-log subscription and its Kamelet consumer on "
                + topic + ") so no event_log rows are written during the run";
        notes.add(line);
        log("%s", line);
    }

    /**
     * Stops the relay: its poll route first (its timer keeps a wake-up pending on the SEDA queue, which makes a
     * graceful stop of the relay route wait out the whole 45 s shutdown timeout), then the relay route.
     */
    private void stopRelay() throws Exception {
        long t = System.nanoTime();
        camel.getRouteController().stopRoute(RELAY_POLL_ROUTE, 10, TimeUnit.SECONDS);
        camel.getRouteController().stopRoute(RELAY_ROUTE, 10, TimeUnit.SECONDS);
        log("relay routes stopped (%.1f s)", (System.nanoTime() - t) / 1e9);
    }

    private void startRelay() throws Exception {
        camel.getRouteController().startRoute(RELAY_ROUTE);
        camel.getRouteController().startRoute(RELAY_POLL_ROUTE);
    }

    // ---------------------------------------------------------------------------------------------------- latency

    record Latency(int events, double offeredRate, long timerCount, double timerMeanMs, double timerP50Ms,
            double timerP99Ms, double timerMaxBucketMs, double[] commitToAck, double[] endToEnd, double[] toSend, int negative,
            long batches) {}

    /** Paced writers, one event per transaction; per event commit-return → consumed, and the relay's timer. */
    private Latency latencyPhase(int seconds) throws Exception {
        int events = LATENCY_RATE * seconds;
        log("latency: %,d events/s offered for %d s (%,d events, 1 event per transaction, %d paced writers)",
                LATENCY_RATE, seconds, events, LATENCY_WRITERS);
        Map<String, Long> commitNanos = new ConcurrentHashMap<>(events * 2);
        Map<String, Long> commitMillis = new ConcurrentHashMap<>(events * 2);
        Map<String, long[]> received = new HashMap<>(events * 2); // event id -> {nanoTime at poll, record timestamp}
        AtomicReference<Throwable> consumerError = new AtomicReference<>();
        CountDownLatch consumerReady = new CountDownLatch(1);
        AtomicLong stopConsumerAt = new AtomicLong(Long.MAX_VALUE);
        Thread consumerThread = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> consumer = consumer()) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo p : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position); // resolve the end offsets now, before any writes
                consumerReady.countDown();
                while (received.size() < events && System.nanoTime() < stopConsumerAt.get()) {
                    var records = consumer.poll(Duration.ofMillis(100));
                    long now = System.nanoTime();
                    for (ConsumerRecord<String, byte[]> record : records) {
                        String id = header(record.headers().lastHeader("event_id"));
                        if (id != null) {
                            received.putIfAbsent(id, new long[] {now, record.timestamp()});
                        }
                    }
                }
            } catch (Throwable e) {
                consumerError.set(e);
                consumerReady.countDown();
            }
        }, "bench-latency-consumer");
        consumerThread.start();
        if (!consumerReady.await(60, TimeUnit.SECONDS) || consumerError.get() != null) {
            throw new IllegalStateException("latency consumer did not start", consumerError.get());
        }

        Map<String, Long> acks = new ConcurrentHashMap<>(events * 2);
        ackNanos = acks;
        HistogramSnapshot before = commitToAck.takeSnapshot();
        double base = publishedCounter.count();
        int written = events / LATENCY_WRITERS * LATENCY_WRITERS;
        double writeSeconds = pacedWriters(written, 0, (id, clocks) -> {
            commitNanos.put(id, clocks[0]);
            commitMillis.put(id, clocks[1]);
        });
        stopConsumerAt.set(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        consumerThread.join(TimeUnit.SECONDS.toMillis(60));
        if (consumerError.get() != null) {
            throw new IllegalStateException("latency consumer failed", consumerError.get());
        }
        awaitPublished(base, written, Duration.ofSeconds(30));
        HistogramSnapshot after = commitToAck.takeSnapshot();
        ackNanos = null;

        long[] ack = new long[written];
        long[] e2e = new long[written];
        long[] send = new long[written];
        int n = 0;
        int negative = 0;
        for (var entry : commitNanos.entrySet()) {
            long[] r = received.get(entry.getKey());
            if (r == null) {
                continue;
            }
            long d = r[0] - entry.getValue();
            if (d < 0) { // consumed before the writer thread got to read the clock after its commit
                negative++;
                d = 0;
            }
            e2e[n] = d;
            send[n] = Math.max(0, r[1] - commitMillis.get(entry.getKey())) * 1_000_000L;
            Long acked = acks.get(entry.getKey());
            if (acked == null) {
                throw new IllegalStateException("no ack recorded for latency event " + entry.getKey());
            }
            long a = acked - entry.getValue();
            if (a < 0) { // acked before the writer thread got to read the clock after its commit
                negative++;
                a = 0;
            }
            ack[n] = a;
            n++;
        }
        if (n < written) {
            throw new IllegalStateException("only " + n + " of " + written + " latency events were consumed");
        }
        long timerCount = after.count() - before.count();
        double timerMean = (after.total(TimeUnit.MILLISECONDS) - before.total(TimeUnit.MILLISECONDS)) / timerCount;
        double[] timerP = bucketPercentiles(before, after, 0.50, 0.99);
        Latency result = new Latency(written, written / writeSeconds, timerCount, timerMean, timerP[0], timerP[1],
                timerP[2], percentilesMs(ack, n), percentilesMs(e2e, n), percentilesMs(send, n), negative, relayBatches());
        log("latency: offered %.0f events/s; commit->ack p50 %.1f ms, p99 %.1f ms; relay timer p50 <= %.1f ms, "
                        + "p99 <= %.1f ms (mean %.1f ms); commit->consumed p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                result.offeredRate(), result.commitToAck()[0], result.commitToAck()[1], result.timerP50Ms(),
                result.timerP99Ms(), result.timerMeanMs(),
                result.endToEnd()[0], result.endToEnd()[1], result.endToEnd()[2]);
        return result;
    }

    /**
     * {@code events} one-event business transactions from {@link #LATENCY_WRITERS} threads, paced together at
     * {@link #LATENCY_RATE}; after each commit returns, {@code onCommit} gets the event id and {nanoTime, millis}.
     *
     * @return seconds from the first due time to the last commit
     */
    private double pacedWriters(int events, long firstIndex, BiConsumer<String, long[]> onCommit) throws InterruptedException {
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L * LATENCY_WRITERS / LATENCY_RATE;
        List<Thread> writers = new ArrayList<>();
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        int perWriter = events / LATENCY_WRITERS;
        for (int w = 0; w < LATENCY_WRITERS; w++) {
            long offset = intervalNanos * w / LATENCY_WRITERS;
            int writer = w;
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < perWriter; i++) {
                        long due = start + offset + i * intervalNanos;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        List<UUID> ids = businessTransaction(firstIndex + writer * perWriter + i, 1);
                        long nanos = System.nanoTime();
                        long millis = System.currentTimeMillis();
                        onCommit.accept(ids.get(0).toString(), new long[] {nanos, millis});
                    }
                } catch (Throwable e) {
                    writerError.compareAndSet(null, e);
                }
            }, "bench-latency-writer-" + w);
            writers.add(thread);
            thread.start();
        }
        for (Thread t : writers) {
            t.join(TimeUnit.SECONDS.toMillis(events / LATENCY_RATE + 120L));
        }
        if (writerError.get() != null) {
            throw new IllegalStateException("latency writer failed", writerError.get());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Rounds of the measured work with the results discarded: {@link #WARMUP} events in the sustained phase's shape
     * ({@link #WRITERS} writers, {@link #EVENTS_PER_TX} events per transaction), then the latency phase itself
     * (paced writers, consumer, ack recording) for 5 s; until the JIT compiled for less than {@link #WARMUP_JIT_MS}
     * in a round (at most {@link #WARMUP_ROUNDS}). With 2 cores, a C2 compiler thread still busy with the hub's hot
     * paths takes half a core from the measured phases.
     */
    private void warmUp() throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        long jitMs = -1;
        int rounds = 0;
        while (rounds < WARMUP_ROUNDS) {
            long jitBefore = jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
            truncate();
            double base = publishedCounter.count();
            runWriters(WARMUP, WRITERS, EVENTS_PER_TX);
            awaitPublished(base, WARMUP, Duration.ofMinutes(2));
            truncate();
            latencyPhase(5);
            rounds++;
            if (!jit.isCompilationTimeMonitoringSupported()) {
                break;
            }
            jitMs = jit.getTotalCompilationTime() - jitBefore;
            if (jitMs < WARMUP_JIT_MS) {
                break;
            }
        }
        String line = String.format(Locale.ROOT, "warm-up: %d round(s) of %,d events in the sustained shape + 5 s of "
                + "the latency phase (results discarded) until the JIT compiled < %d ms in one (last: %d ms); %.0f s",
                rounds, WARMUP, WARMUP_JIT_MS, jitMs, (System.nanoTime() - start) / 1e9);
        notes.add(line);
        log("%s", line);
    }

    /** Raw producer send → ack callback at the same rate: the floor of any commit-to-ack. */
    private Latency rawLatencyPhase(KafkaProducer<String, byte[]> raw, String rawTopic) throws Exception {
        int records = LATENCY_RATE * BASELINE_LATENCY_SECONDS;
        log("baseline latency: raw producer, %,d records/s for %d s, send -> ack", LATENCY_RATE, BASELINE_LATENCY_SECONDS);
        long[] latency = new long[records];
        CountDownLatch acked = new CountDownLatch(records);
        long interval = 1_000_000_000L / LATENCY_RATE;
        long start = System.nanoTime();
        for (int i = 0; i < records; i++) {
            long wait = start + i * interval - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = i;
            long sent = System.nanoTime();
            raw.send(rawRecord(rawTopic, i), (metadata, error) -> {
                latency[index] = System.nanoTime() - sent;
                acked.countDown();
            });
        }
        if (!acked.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("raw latency records not acked");
        }
        double[] p = percentilesMs(latency, records);
        log("baseline latency: send->ack p50 %.2f ms, p99 %.2f ms", p[0], p[1]);
        return new Latency(records, LATENCY_RATE, 0, 0, p[0], p[1], p[2], p, p, p, 0, 0);
    }

    // ---------------------------------------------------------------------------------------------------- throughput

    record Throughput(int events, double seconds, double rate, double writeSeconds, long maxBacklog,
            double tailSeconds, long batches) {}

    private Throughput sustainedPhase() throws Exception {
        log("sustained: %,d events, %d writer threads, transactions of 1 bench_order row + %d events, relay running",
                EVENTS, WRITERS, EVENTS_PER_TX);
        // backlog = committed - published, from the writers' count and the relay's counter: no load on the database
        AtomicLong maxBacklog = new AtomicLong();
        AtomicLong stopSampling = new AtomicLong(0);
        double base = publishedCounter.count();
        long committedBase = committed.get();
        Thread sampler = new Thread(() -> {
            for (int i = 0; i < 100 * 600 && stopSampling.get() == 0; i++) { // at most 10 min, every 10 ms
                long backlog = committed.get() - committedBase - (long) (publishedCounter.count() - base);
                maxBacklog.accumulateAndGet(backlog, Math::max);
                LockSupport.parkNanos(10_000_000L);
            }
        }, "bench-backlog-sampler");
        sampler.setDaemon(true);
        Timestamp t0 = dbNow();
        sampler.start();
        runWriters(EVENTS, WRITERS, EVENTS_PER_TX);
        Timestamp written = dbNow();
        awaitPublished(base, EVENTS, Duration.ofMinutes(3));
        stopSampling.set(1);
        sampler.join(5_000);
        Timestamp end = lastPublished();
        double seconds = seconds(t0, end);
        Throughput result = new Throughput(EVENTS, seconds, EVENTS / seconds, seconds(t0, written), maxBacklog.get(),
                seconds(written, end), relayBatches());
        log("sustained: %,.0f events/s (first insert -> last published %.2f s); writers committed %,.0f events/s "
                        + "(%.2f s); last event published %.3f s after the last commit; max pending backlog %,d",
                result.rate(), seconds, EVENTS / result.writeSeconds(), result.writeSeconds(), result.tailSeconds(),
                result.maxBacklog());
        return result;
    }

    private Throughput drainPhase() throws Exception {
        stopRelay();
        log("drain: relay route stopped; inserting a backlog of %,d events", BACKLOG);
        fill(BACKLOG);
        double base = publishedCounter.count();
        Timestamp t0 = dbNow();
        startRelay();
        context.getBean(ProducerTemplate.class).sendBody(RELAY_WAKE, "bench");
        awaitPublished(base, BACKLOG, Duration.ofMinutes(3));
        Timestamp end = lastPublished();
        double seconds = seconds(t0, end);
        log("drain: %,d events in %.2f s = %,.0f events/s", BACKLOG, seconds, BACKLOG / seconds);
        return new Throughput(BACKLOG, seconds, BACKLOG / seconds, 0, BACKLOG, 0, relayBatches());
    }

    /** Baseline (b): plain JDBC claim (FOR UPDATE SKIP LOCKED) + mark published of the same backlog, no Kafka. */
    private double sqlBaseline() throws Exception {
        stopRelay();
        log("baseline (b): relay route stopped; inserting %,d events, then JDBC claim+mark in batches of %,d",
                BACKLOG, CLAIM_BATCH);
        fill(BACKLOG);
        int claimed = 0;
        long start;
        long elapsed;
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password())) {
            c.setAutoCommit(false);
            start = System.nanoTime();
            for (int round = 0; round < BACKLOG / CLAIM_BATCH + 100; round++) { // bounded
                List<Object[]> keys = new ArrayList<>(CLAIM_BATCH);
                try (PreparedStatement select = c.prepareStatement(BASELINE_CLAIM)) {
                    select.setInt(1, CLAIM_BATCH);
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) { // read every column, as a relay must
                            UUID id = rs.getObject("id", UUID.class);
                            rs.getLong("position");
                            rs.getString("event_type");
                            rs.getInt("event_version");
                            rs.getString("aggregate_type");
                            rs.getString("aggregate_id");
                            String tenant = rs.getString("tenant_id");
                            rs.getString("payload");
                            rs.getString("metadata");
                            rs.getInt("retry_count");
                            keys.add(new Object[] {tenant, id, rs.getTimestamp("created_at")});
                        }
                    }
                }
                if (keys.isEmpty()) {
                    c.commit();
                    break;
                }
                try (PreparedStatement mark = c.prepareStatement(BASELINE_MARK)) {
                    Array tenants = c.createArrayOf("text", keys.stream().map(k -> k[0]).toArray());
                    Array ids = c.createArrayOf("uuid", keys.stream().map(k -> k[1]).toArray());
                    Array created = c.createArrayOf("timestamptz", keys.stream().map(k -> k[2]).toArray());
                    mark.setArray(1, tenants);
                    mark.setArray(2, ids);
                    mark.setArray(3, created);
                    claimed += mark.executeUpdate();
                }
                c.commit();
            }
            elapsed = System.nanoTime() - start;
        }
        Long pending = jdbc.queryForObject("SELECT count(*) FROM event_outbox WHERE status = 'pending'", Long.class);
        if (claimed != BACKLOG || pending == null || pending != 0) {
            throw new IllegalStateException("baseline (b) marked " + claimed + " of " + BACKLOG + ", " + pending + " left");
        }
        double rate = claimed / (elapsed / 1e9);
        log("baseline (b): %,d rows claimed and marked in %.2f s = %,.0f rows/s", claimed, elapsed / 1e9, rate);
        return rate;
    }

    /** Baseline (a): the raw producer, same settings as the relay's, same records, all sent then all acked. */
    private double rawThroughput(KafkaProducer<String, byte[]> raw, String rawTopic) throws Exception {
        log("baseline (a): raw KafkaProducer, %,d records to %s", EVENTS, rawTopic);
        double seconds = sendRaw(raw, rawTopic, EVENTS);
        double rate = EVENTS / seconds;
        log("baseline (a): %,d records acked in %.2f s = %,.0f records/s", EVENTS, seconds, rate);
        return rate;
    }

    private double sendRaw(KafkaProducer<String, byte[]> raw, String rawTopic, int count) throws Exception {
        CountDownLatch acked = new CountDownLatch(count);
        AtomicReference<Exception> error = new AtomicReference<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            raw.send(rawRecord(rawTopic, i), (RecordMetadata m, Exception e) -> {
                if (e != null) {
                    error.compareAndSet(null, e);
                }
                acked.countDown();
            });
        }
        if (!acked.await(3, TimeUnit.MINUTES) || error.get() != null) {
            throw new IllegalStateException("raw producer: not all records acked", error.get());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    // ---------------------------------------------------------------------------------------------------- writers

    /** {@code events} events written by {@code threads} threads, {@code perTx} events per business transaction. */
    private void runWriters(int events, int threads, int perTx) throws Exception {
        if (events % perTx != 0) {
            throw new IllegalArgumentException(events + " events are not a multiple of " + perTx + " events per transaction");
        }
        int transactions = events / perTx;
        AtomicLong next = new AtomicLong();
        AtomicReference<Throwable> error = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            Thread thread = new Thread(() -> {
                try {
                    for (long i = next.getAndIncrement(); i < transactions && error.get() == null; i = next.getAndIncrement()) {
                        businessTransaction(i, perTx);
                        committed.addAndGet(perTx);
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            }, "bench-writer-" + w);
            workers.add(thread);
            thread.start();
        }
        for (Thread t : workers) {
            t.join(TimeUnit.MINUTES.toMillis(5));
        }
        if (error.get() != null) {
            throw new IllegalStateException("writer failed", error.get());
        }
    }

    /** One business transaction: a bench_order row and {@code perTx} events of that order, via OutboxWriter. */
    private List<UUID> businessTransaction(long n, int perTx) {
        UUID order = UUID.randomUUID();
        String tenant = "tenant-" + (n % TENANTS);
        String aggregate = "order-" + order;
        return transaction.execute(status -> {
            jdbc.update("INSERT INTO bench_order (tenant_id, id, amount) VALUES (?, ?, ?)", tenant, order, (int) (n % 1000));
            if (perTx == 1) {
                return List.of(outbox.append(event(tenant, aggregate, n * 10)));
            }
            List<OutboxEvent> events = new ArrayList<>(perTx);
            for (int k = 0; k < perTx; k++) {
                events.add(event(tenant, aggregate, n * 10 + k));
            }
            return outbox.appendAll(events); // the documented way to write several events: one statement
        });
    }

    /** A small order event (~170 bytes of JSON) with all three metadata fields, so every header is set. */
    private static OutboxEvent event(String tenant, String aggregate, long g) {
        String payload = "{\"orderId\":\"" + aggregate + "\",\"line\":" + (g % 10) + ",\"sku\":\"SKU-" + (g % 97)
                + "\",\"quantity\":" + (1 + g % 5) + ",\"amount\":{\"value\":\"" + (g % 1000)
                + ".50\",\"currency\":\"EUR\"},\"note\":\"outbox benchmark\"}";
        return new OutboxEvent(null, g % 10 == 0 ? "order.created" : "order.line_added", 1, "order", aggregate, tenant,
                payload, Map.of("correlation_id", "corr-" + aggregate, "user_id", "user-" + (g % 50),
                        "organization_id", "org-" + tenant));
    }

    /** The record the relay would build for {@link #event}: same key, value and headers. */
    private static ProducerRecord<String, byte[]> rawRecord(String topic, long g) {
        String tenant = "tenant-" + ((g / 10) % TENANTS);
        String aggregate = "order-" + new UUID(g / 10, 42L);
        OutboxEvent e = event(tenant, aggregate, g);
        RecordHeaders headers = new RecordHeaders();
        headers.add("event_id", bytes(e.id().toString()));
        headers.add("event_type", bytes(e.eventType()));
        headers.add("event_version", bytes(String.valueOf(e.eventVersion())));
        headers.add("aggregate_type", bytes(e.aggregateType()));
        headers.add("aggregate_id", bytes(e.aggregateId()));
        headers.add("tenant_id", bytes(e.tenantId()));
        headers.add("correlation_id", bytes(e.metadata().get("correlation_id")));
        headers.add("user_id", bytes(e.metadata().get("user_id")));
        headers.add("organization_id", bytes(e.metadata().get("organization_id")));
        return new ProducerRecord<>(topic, null, aggregate, bytes(e.payload()), headers);
    }

    // ---------------------------------------------------------------------------------------------------- database

    private void truncate() {
        jdbc.execute("TRUNCATE event_outbox, bench_order");
    }

    /** Inserts {@code count} pending events in statements of 20,000 rows, then ANALYZE (as autovacuum would). */
    private void fill(int count) {
        for (int from = 1; from <= count; from += 20_000) {
            jdbc.update(FILL, from, Math.min(count, from + 19_999));
        }
        jdbc.execute("ANALYZE event_outbox");
    }

    /**
     * Waits (bounded) until the relay's counter {@code hub.outbox.published} has grown by {@code expected} since
     * {@code base} (polled in this JVM every 5 ms: no load on the database), then checks in the table (truncated
     * before each phase) that exactly {@code expected} events are published and none pending or dead.
     */
    private void awaitPublished(double base, long expected, Duration timeout) throws InterruptedException {
        try {
            org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(5))
                    .until(() -> publishedCounter.count() - base >= expected);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException((long) (publishedCounter.count() - base) + " of " + expected
                    + " events published after " + timeout);
        }
        Map<String, Object> counts = jdbc.queryForMap(
                "SELECT count(*) FILTER (WHERE status = 'published') AS published, count(*) FILTER (WHERE status <> 'published') AS other, "
                        + "count(*) FILTER (WHERE retry_count > 0) AS retried FROM event_outbox");
        long published = ((Number) counts.get("published")).longValue();
        if (published != expected || ((Number) counts.get("other")).longValue() != 0) {
            throw new IllegalStateException("expected " + expected + " published events, found " + counts);
        }
        long retried = ((Number) counts.get("retried")).longValue();
        if (retried > 0) {
            notes.add(retried + " events needed more than one publish attempt (see the hub log)");
        }
    }

    /** Batches the relay marked in this phase: each mark statement sets one published_at (its now()). */
    private long relayBatches() {
        Long batches = jdbc.queryForObject("SELECT count(DISTINCT published_at) FROM event_outbox", Long.class);
        return batches == null ? 0 : batches;
    }

    private Timestamp dbNow() {
        return jdbc.queryForObject("SELECT clock_timestamp()", Timestamp.class);
    }

    private Timestamp lastPublished() {
        return jdbc.queryForObject("SELECT max(published_at) FROM event_outbox", Timestamp.class);
    }

    private static double seconds(Timestamp from, Timestamp to) {
        return Duration.between(from.toInstant(), to.toInstant()).toNanos() / 1e9;
    }

    // ---------------------------------------------------------------------------------------------------- Kafka

    private KafkaProducer<String, byte[]> rawProducer() {
        return new KafkaProducer<>(OutboxRelay.producerSettings(bootstrap)); // the relay producer's own settings
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    private static String header(Header header) {
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------------------- statistics

    /** p50, p99, max in ms of the first n values (nanoseconds). */
    private static double[] percentilesMs(long[] values, int n) {
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return new double[] {at(sorted, 0.50) / 1e6, at(sorted, 0.99) / 1e6, sorted[n - 1] / 1e6};
    }

    private static long at(long[] sorted, double q) {
        return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1))];
    }

    /**
     * Percentiles of the samples recorded between two snapshots of a timer with a percentile histogram: the
     * upper bound (ms) of the bucket holding each percentile, and of the highest bucket with a sample.
     */
    private static double[] bucketPercentiles(HistogramSnapshot before, HistogramSnapshot after, double... qs) {
        CountAtBucket[] b = before.histogramCounts();
        CountAtBucket[] a = after.histogramCounts();
        double[] result = new double[qs.length + 1];
        if (a.length == 0 || a.length != b.length) {
            Arrays.fill(result, Double.NaN);
            return result;
        }
        // the Prometheus registry keeps cumulative bucket counts (samples <= bound: non-decreasing, the last one
        // holding every sample below the maximum expected value); other registries may count per bucket
        boolean cumulative = true;
        for (int i = 1; i < a.length; i++) {
            cumulative &= a[i].count() >= a[i - 1].count();
        }
        double[] cum = new double[a.length];
        double running = 0;
        for (int i = 0; i < a.length; i++) {
            double delta = a[i].count() - b[i].count();
            running += delta;
            cum[i] = cumulative ? delta : running;
        }
        double total = after.count() - before.count();
        for (int q = 0; q < qs.length; q++) {
            result[q] = Double.POSITIVE_INFINITY;
            for (int i = 0; i < a.length; i++) {
                if (cum[i] >= qs[q] * total) {
                    result[q] = a[i].bucket(TimeUnit.MILLISECONDS);
                    break;
                }
            }
        }
        result[qs.length] = Double.POSITIVE_INFINITY;
        for (int i = 0; i < a.length; i++) {
            if (cum[i] >= total) {
                result[qs.length] = a[i].bucket(TimeUnit.MILLISECONDS);
                break;
            }
        }
        return result;
    }

    // ---------------------------------------------------------------------------------------------------- report

    private void report(String loadBefore, String dbVersion, Latency latency, Latency rawLatency, Throughput sustained,
            Throughput drain, double kafkaRate, double sqlRate) throws IOException {
        double slower = Math.min(kafkaRate, sqlRate);
        String slowerName = kafkaRate <= sqlRate ? "(a) Kafka" : "(b) SQL";
        StringBuilder out = new StringBuilder();
        String now = LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME.withLocale(Locale.ROOT));
        line(out, "Outbox relay benchmark, %s, %s, %d CPUs, run %s", now.substring(0, 19), hostName(),
                Runtime.getRuntime().availableProcessors(), runId);
        line(out, "java: %s %s; database: %s (%s)", System.getProperty("java.vm.name"), System.getProperty("java.version"),
                DB_NAME, dbVersion.replaceAll(" on .*", ""));
        line(out, "hub in this JVM: dev profile, in-process Kafka (1 broker, %s, 3 partitions), relay batch %s, JVM args %s",
                bootstrap, context.getEnvironment().getProperty("hub.events.relay.batch-size"),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        line(out, "load average before: %s, after: %s", loadBefore, loadAverage());
        double load = Double.parseDouble(loadBefore.split(" ")[0].replace("n/a", "0"));
        if (load > 0.5 * Runtime.getRuntime().availableProcessors()) {
            line(out, "WARNING: the machine was busy before the run (1-min load %.1f on %d CPUs): other processes "
                    + "competed for the CPU, so the absolute numbers are pessimistic", load,
                    Runtime.getRuntime().availableProcessors());
        }
        notes.forEach(n -> line(out, "note: %s", n));
        line(out, "");
        line(out, "(1) sustained: %,d events from %d writer threads, each transaction = 1 bench_order row + %d events "
                + "(%s in a TransactionTemplate); relay = route %s (OutboxRelay.relayBatch), woken in-process after "
                + "each writer commit (writers in the relay's JVM send no NOTIFY; see docs/events.md); timed from "
                + "before the first insert to the last published_at.", EVENTS, WRITERS, EVENTS_PER_TX,
                EVENTS_PER_TX == 1 ? "OutboxWriter.append" : "one OutboxWriter.appendAll", RELAY_ROUTE);
        line(out, "    drain: %,d events inserted with the relay route stopped (INSERT ... SELECT, then ANALYZE), "
                + "route started, timed to the last published_at.", BACKLOG);
        line(out, "(2) latency: %,d events/s offered (achieved %.0f/s) for %d s, 1 event per transaction "
                + "(OutboxWriter.append), %d paced writers. Three measures, per event unless said:", LATENCY_RATE,
                latency.offeredRate(), LATENCY_SECONDS, LATENCY_WRITERS);
        line(out, "    'commit->ack' (the target's definition) = the writer's commit returned -> the Kafka ack reached the "
                + "relay's producer (a callback added to the relay's send by wrapping the hub's producer bean), "
                + "System.nanoTime in this JVM;");
        line(out, "    'relay timer' = the hub's own metric hub.outbox.commit.to.ack: the row's created_at (= start of the "
                + "writer's transaction, before its insert and commit) -> the relay's commit after the ack and the "
                + "mark, so it is longer than commit->ack by the writer's transaction and the relay's mark+commit; "
                + "percentiles from its histogram buckets over this phase only (bucket upper bounds);");
        line(out, "    'commit->consumed' = the writer's commit returned -> record received by a plain KafkaConsumer in "
                + "this JVM (fetch.max.wait 100 ms), so it adds the consumer's fetch to commit->ack.");
        line(out, "    Baseline for all three: raw KafkaProducer send -> ack callback at the same rate.");
        line(out, "(3) baseline (a): raw KafkaProducer, the relay producer's settings (acks=all, idempotent, linger 2 ms, "
                + "batch 256 KiB), %,d records with the same key, headers and value size, all sent then all acked.", EVENTS);
        line(out, "(4) baseline (b): plain JDBC on event_outbox, %,d-event backlog, batches of %,d: SELECT all columns "
                + "... ORDER BY position LIMIT n FOR UPDATE SKIP LOCKED + UPDATE status='published', one transaction "
                + "per batch, no Kafka.", BACKLOG, CLAIM_BATCH);
        line(out, "ratio for throughput = hub / baseline (b), the JDBC claim-and-mark loop measured in this run "
                + "(absolute rates on these shared machines swing by about 1.5x from day to day; the ratio is what is "
                + "judged). Targets: the backlog drain, where the relay like the baseline has the machine to itself, "
                + ">= 100%% of it; the sustained phase (writers and relay share the 2 cores, and the relay keeps up, so "
                + "this is the writers' rate) >= 40%% of it with the relay finishing within 0.5 s of the last commit; "
                + "commit->ack p99 < 50 ms. (The slower of the two baselines here: %s.)", slowerName);
        line(out, "");
        String format = "%-44s %12s %12s %8s  %-22s %s";
        line(out, format, "metric", "hub", "baseline", "ratio", "target", "");
        boolean keptUp = sustained.tailSeconds() < 0.5;
        boolean sustainedMet = sustained.rate() / sqlRate >= 0.4 && keptUp;
        boolean drainMet = drain.rate() / sqlRate >= 1.0;
        boolean latencyMet = latency.commitToAck()[1] < 50;
        line(out, format, "relay throughput, sustained (events/s)", num(sustained.rate()), num(sqlRate),
                pct(sustained.rate() / sqlRate), ">=40% of (b), kept up", verdict(sustainedMet));
        line(out, format, "relay throughput, backlog drain (events/s)", num(drain.rate()), num(sqlRate),
                pct(drain.rate() / sqlRate), ">=100% of (b)", verdict(drainMet));
        line(out, format, "baseline (a) raw KafkaProducer (records/s)", "-", num(kafkaRate), "", "", "");
        line(out, format, "baseline (b) JDBC claim+mark (rows/s)", "-", num(sqlRate), "", "", "");
        line(out, format, "commit->ack p50 (ms)", ms(latency.commitToAck()[0]), ms(rawLatency.timerP50Ms()),
                times(latency.commitToAck()[0] / rawLatency.timerP50Ms()), "", "");
        line(out, format, "commit->ack p99 (ms)", ms(latency.commitToAck()[1]), ms(rawLatency.timerP99Ms()),
                times(latency.commitToAck()[1] / rawLatency.timerP99Ms()), "< 50", verdict(latency.commitToAck()[1] < 50));
        line(out, format, "tx start->relay commit p50, relay timer (ms)", ms(latency.timerP50Ms()), ms(rawLatency.timerP50Ms()),
                times(latency.timerP50Ms() / rawLatency.timerP50Ms()), "", "");
        line(out, format, "tx start->relay commit p99, relay timer (ms)", ms(latency.timerP99Ms()), ms(rawLatency.timerP99Ms()),
                times(latency.timerP99Ms() / rawLatency.timerP99Ms()), "< 50", verdict(latency.timerP99Ms() < 50));
        line(out, format, "commit->consumed p50, end to end (ms)", ms(latency.endToEnd()[0]), ms(rawLatency.endToEnd()[0]),
                times(latency.endToEnd()[0] / rawLatency.endToEnd()[0]), "", "");
        line(out, format, "commit->consumed p99, end to end (ms)", ms(latency.endToEnd()[1]), ms(rawLatency.endToEnd()[1]),
                times(latency.endToEnd()[1] / rawLatency.endToEnd()[1]), "< 50", verdict(latency.endToEnd()[1] < 50));
        line(out, "");
        line(out, "JUDGED: drain %s of the JDBC baseline (target >= 100%%: %s); sustained %s of it, relay %s "
                        + "(target >= 40%%, kept up: %s); commit->ack p99 %s ms (target < 50 ms: %s)",
                pct(drain.rate() / sqlRate), verdict(drainMet), pct(sustained.rate() / sqlRate),
                keptUp ? "kept up" : "fell behind", verdict(sustainedMet), ms(latency.commitToAck()[1]),
                verdict(latencyMet));
        line(out, "");
        line(out, "details:");
        line(out, "  sustained: writers committed %,.0f events/s (%,.0f tx/s) for %.2f s; the relay finished %.3f s after "
                        + "the last commit (kept up: within 0.5 s); max backlog seen %,d (events committed minus published, "
                        + "sampled every 10 ms in the JVM)",
                sustained.events() / sustained.writeSeconds(), sustained.events() / sustained.writeSeconds() / EVENTS_PER_TX,
                sustained.writeSeconds(), sustained.tailSeconds(), sustained.maxBacklog());
        line(out, "  sustained: relay batches %,d, mean %.0f events per batch", sustained.batches(),
                (double) sustained.events() / Math.max(1, sustained.batches()));
        line(out, "  drain: %,d events in %.2f s, %,d relay batches, mean %.1f ms per batch", drain.events(), drain.seconds(),
                drain.batches(), 1000 * drain.seconds() / Math.max(1, drain.batches()));
        line(out, "  latency: %,d events; relay timer mean %.2f ms, highest bucket <= %.1f ms (%d samples); "
                        + "commit->ack max %.1f ms; commit->consumed max %.1f ms; commit->relay send (record CreateTime, "
                        + "ms clock) p50 %.0f ms, p99 %.0f ms%s",
                latency.events(), latency.timerMeanMs(), latency.timerMaxBucketMs(), latency.timerCount(),
                latency.commitToAck()[2], latency.endToEnd()[2], latency.toSend()[0], latency.toSend()[1],
                latency.negative() > 0 ? "; " + latency.negative() + " acked or consumed before the commit clock was read (0 ms)" : "");
        line(out, "  latency: relay batches %,d, mean %.1f events per batch, one batch every %.1f ms", latency.batches(),
                (double) latency.events() / Math.max(1, latency.batches()),
                1000.0 * latency.events() / latency.offeredRate() / Math.max(1, latency.batches()));
        line(out, "  raw producer send->ack at %,d/s: max %.2f ms", LATENCY_RATE, rawLatency.endToEnd()[2]);
        String table = out.toString();
        System.out.println();
        System.out.print(table);
        Files.createDirectories(RESULTS_DIR);
        Path file = RESULTS_DIR.resolve("outbox-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".txt");
        Files.writeString(file, table);
        System.out.println();
        System.out.println("written to " + file);
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String ms(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "n/a";
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }

    private static String times(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1fx", v) : "";
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    // ---------------------------------------------------------------------------------------------------- plumbing

    private static int setting(String name, int defaultValue) {
        return Integer.getInteger("bench." + name, defaultValue);
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "%tT bench: %s%n", System.currentTimeMillis(), String.format(Locale.ROOT, format, args));
    }

    /** Ends the JVM if the run overstays: System.exit (closes the hub), then halt if that hangs. */
    private static void startWatchdog() {
        Thread watchdog = new Thread(() -> {
            try {
                if (new java.util.concurrent.CountDownLatch(1).await(MAX_MINUTES, TimeUnit.MINUTES)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("outbox benchmark: not done after " + MAX_MINUTES + " minutes, aborting");
            Thread halt = new Thread(() -> {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(60));
                Runtime.getRuntime().halt(3);
            }, "bench-halt");
            halt.setDaemon(true);
            halt.start();
            System.exit(3);
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown host";
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
