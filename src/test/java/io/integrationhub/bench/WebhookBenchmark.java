package io.integrationhub.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Webhook benchmark (not a test; bench/webhooks/run.sh starts the hub and runs this). A local HTTP sink in this JVM
 * receives (1) a backlog of signed, logged deliveries drained by the hub, beside a raw HttpClient posting the same
 * bodies with the same concurrency, and (2) events published at a fixed rate, timed from commit to arrival.
 *
 * <p>Arguments: base URL, API token, bench database name. Environment: EVENTS (20000), ROUNDS (2), RATES (100,500),
 * SECONDS (20).
 */
public final class WebhookBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONCURRENCY = 50;   // the hub's hub.webhooks.concurrency default

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;
    private final String jdbcUrl;
    private final HttpServer sink;
    private final AtomicInteger drained = new AtomicInteger();
    private final AtomicInteger raw = new AtomicInteger();
    private final Map<Integer, Long> arrivals = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();

    private WebhookBenchmark(String base, String token, String database) throws Exception {
        this.base = base;
        this.token = token;
        this.jdbcUrl = "jdbc:postgresql://localhost:5432/" + database;
        sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1000);
        sink.setExecutor(Executors.newFixedThreadPool(64));
        sink.createContext("/", exchange -> {
            long now = System.nanoTime();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/drain")) {
                drained.incrementAndGet();
            } else if (path.equals("/raw")) {
                raw.incrementAndGet();
            } else if (path.equals("/latency")) {
                String text = new String(body, StandardCharsets.UTF_8);
                int at = text.indexOf("\"seq\":");
                if (at >= 0) {
                    int start = at + 6;
                    while (start < text.length() && text.charAt(start) == ' ') {
                        start++;   // PostgreSQL writes jsonb as {"seq": 1}
                    }
                    int end = start;
                    while (end < text.length() && Character.isDigit(text.charAt(end))) {
                        end++;
                    }
                    if (end > start) {
                        arrivals.putIfAbsent(Integer.parseInt(text.substring(start, end)), now);
                    }
                }
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        sink.start();
    }

    public static void main(String[] args) throws Exception {
        // exit either way: the sink's threads would keep the JVM (and run.sh) alive after a failure
        try {
            measure(args);
        } catch (Throwable failure) {
            failure.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void measure(String[] args) throws Exception {
        int events = env("EVENTS", 20_000);
        int rounds = env("ROUNDS", 2);
        String rates = System.getenv().getOrDefault("RATES", "100,500");
        int seconds = env("SECONDS", 20);
        WebhookBenchmark bench = new WebhookBenchmark(args[0], args[1], args[2]);
        StringBuilder report = new StringBuilder();
        report.append(String.format("Webhook benchmark, %s (%d CPUs)%n", OffsetDateTime.now(),
                Runtime.getRuntime().availableProcessors()));
        // earlier runs' attempts out: a table grown by every run (and never vacuumed when autovacuum is off, as on
        // these machines) would make each run slower than the one before
        String cleaned = bench.vacuum(true);
        report.append(cleaned).append('\n');
        System.out.println(cleaned);
        String drainEndpoint = bench.endpoint("/drain", "customer.enrolled");
        String sample = "{\"type\":\"customer.enrolled\",\"timestamp\":\"2026-12-02T00:00:00Z\",\"data\":"
                + "{\"seq\": 1, \"customer_id\": \"c-1\", \"tier\": \"gold\"}}";
        // warm-up: backlogs through the hub and the raw client until the hub's rate settles. On 2 cores the hub's one
        // C2 thread compiles the delivery path (Camel, HttpClient 5, JDBC, signing) while the same cores drain: a
        // warm-up of 2,000 deliveries left round 1 a third slower than round 2
        int warmUpLeast = env("WARMUP_SECONDS", 60);
        int warmUpMost = env("WARMUP_MAX_SECONDS", 300);
        long warmUpStarted = System.nanoTime();
        double previous = -1;
        while (true) {
            double hub = bench.drain(drainEndpoint, events);
            bench.rawPost(sample, events);
            double elapsed = (System.nanoTime() - warmUpStarted) / 1e9;
            boolean settled = previous > 0 && Math.abs(hub - previous) <= 0.05 * Math.max(hub, previous);
            System.out.printf("warm-up %4.0f s: hub %.0f deliveries/s%s%n", elapsed, hub, settled ? " (settled)" : "");
            if ((settled && elapsed >= warmUpLeast) || elapsed >= warmUpMost) {
                break;
            }
            previous = hub;
        }
        List<double[]> rows = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            double hub = bench.drain(drainEndpoint, events);
            double direct = bench.rawPost(sample, events);
            rows.add(new double[] {hub, direct});
            System.out.printf("round %d: hub %.0f deliveries/s, raw HttpClient %.0f posts/s (%.0f%%)%n", round, hub,
                    direct, 100 * hub / direct);
        }
        report.append(String.format("%n1. Backlog drain: %d deliveries to one endpoint, %d at once%n", events, CONCURRENCY));
        report.append(String.format("%-8s %18s %22s %8s%n", "round", "hub deliveries/s", "raw HttpClient posts/s", "ratio"));
        double hubSum = 0;
        double rawSum = 0;
        for (int i = 0; i < rows.size(); i++) {
            report.append(String.format("%-8d %18.0f %22.0f %7.0f%%%n", i + 1, rows.get(i)[0], rows.get(i)[1],
                    100 * rows.get(i)[0] / rows.get(i)[1]));
            hubSum += rows.get(i)[0];
            rawSum += rows.get(i)[1];
        }
        report.append(String.format("mean: hub %.0f/s, raw %.0f/s: %.0f%% of the raw client (targets: at least 50%% "
                + "and at least 2000/s)%n", hubSum / rows.size(), rawSum / rows.size(), 100 * hubSum / rawSum));

        bench.endpoint("/latency", "reward.issued");
        // warm-up of the publish path (API, outbox, relay, fan-out consumers): without it the first rate measures
        // a JIT that is still compiling them, and its backlog from the first seconds shows in every percentile
        int warmUp = env("LATENCY_WARMUP_SECONDS", 60);
        int warmUpRate = env("LATENCY_WARMUP_RATE", 200);
        if (warmUp > 0) {
            long[] discarded = bench.latency(warmUpRate, warmUp);
            System.out.printf("latency warm-up: %d events/s for %d s, %d delivered, p50 %.1f ms (discarded)%n",
                    warmUpRate, warmUp, discarded.length, percentile(discarded, 50));
        }
        report.append(String.format("%n2. Commit to delivery (POST /api/v1/events answered 202 → arrival at the sink; "
                + "delivered within 30 s of the last publish)%n"));
        for (String rate : rates.split(",")) {
            int perSecond = Integer.parseInt(rate.strip());
            long[] latencies = bench.latency(perSecond, seconds);
            report.append(String.format("at %d events/s for %d s: %d of %d delivered, p50 %.1f ms, p99 %.1f ms, max "
                    + "%.1f ms%n", perSecond, seconds, latencies.length, perSecond * seconds, percentile(latencies, 50),
                    percentile(latencies, 99), percentile(latencies, 100)));
            System.out.print(report.substring(report.lastIndexOf("at ")));
        }
        System.out.println();
        System.out.print(report);
        Path results = Path.of("bench", "results", "webhooks-" + OffsetDateTime.now().format(
                java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".txt");
        Files.createDirectories(results.getParent());
        Files.writeString(results, report.toString());
        System.out.println("written to " + results);
        bench.sink.stop(0);
    }

    /** A new endpoint of the bench tenant at the sink's path, for one event type; its id. */
    private String endpoint(String path, String type) throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/webhooks/endpoints", "{\"url\": \"http://127.0.0.1:"
                + sink.getAddress().getPort() + path + "\", \"event_types\": [\"" + type + "\"]}");
        if (created.statusCode() != 201) {
            throw new IllegalStateException("endpoint refused: " + created.body());
        }
        return JSON.readTree(created.body()).path("id").asText();
    }

    /**
     * TRUNCATE (first) or VACUUM webhook_deliveries: what autovacuum does between bursts, done here so that each round
     * starts from the same table whether or not the server's autovacuum is on. The database is the bench's own
     * (its name contains "bench", checked by bench/lib/hub.sh).
     */
    private String vacuum(boolean truncate) throws Exception {
        try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "");
                java.sql.Statement statement = db.createStatement()) {
            String autovacuum;
            try (java.sql.ResultSet rs = statement.executeQuery("SHOW autovacuum")) {
                rs.next();
                autovacuum = rs.getString(1);
            }
            statement.execute(truncate ? "TRUNCATE webhook_deliveries" : "VACUUM webhook_deliveries");
            return "webhook_deliveries " + (truncate ? "truncated" : "vacuumed") + " (server autovacuum: "
                    + autovacuum + "); vacuumed again before each drain round";
        }
    }

    /** Writes a backlog of due deliveries while the endpoint is disabled, enables it, and times the drain. */
    private double drain(String endpoint, int count) throws Exception {
        vacuum(false);
        send("PATCH", "/api/v1/webhooks/endpoints/" + endpoint, "{\"enabled\": false}");
        try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "");
                PreparedStatement insert = db.prepareStatement("INSERT INTO webhook_deliveries (tenant_id, id, "
                        + "message_id, message_seq, endpoint_id, event_id, event_type, event_timestamp, payload, attempt, "
                        + "trigger, status, due_at) SELECT e.tenant_id, gen_random_uuid(), gen_random_uuid(), "
                        + "nextval('webhook_message_seq'), e.id, gen_random_uuid(), 'customer.enrolled', now(), "
                        + "jsonb_build_object('seq', g, 'customer_id', 'c-' || g, 'tier', 'gold'), 1, 'scheduled', "
                        + "'pending', now() FROM webhook_endpoints e, generate_series(1, ?) g WHERE e.id = ?::uuid")) {
            insert.setInt(1, count);
            insert.setString(2, endpoint);
            insert.executeUpdate();
        }
        drained.set(0);
        long started = System.nanoTime();
        send("PATCH", "/api/v1/webhooks/endpoints/" + endpoint, "{\"enabled\": true}");
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(5)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(5)).until(() -> drained.get() >= count);
        } catch (org.awaitility.core.ConditionTimeoutException stuck) {
            throw new IllegalStateException("drain stuck at " + drained.get() + " of " + count);
        }
        return count / ((System.nanoTime() - started) / 1e9);
    }

    /** The baseline: the same bodies posted by a raw HttpClient, CONCURRENCY at a time. */
    private double rawPost(String body, int count) throws Exception {
        raw.set(0);
        URI uri = URI.create("http://127.0.0.1:" + sink.getAddress().getPort() + "/raw");
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        long started = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < CONCURRENCY; w++) {
            workers.add(pool.submit(() -> {
                while (next.getAndIncrement() < count) {
                    HttpRequest post = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                            .header("webhook-id", UUID.randomUUID().toString())
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    try {
                        http.send(post, HttpResponse.BodyHandlers.discarding());
                    } catch (java.io.IOException closedByTheSink) {
                        // the JDK server closed an idle kept-alive connection under the client: send it again, as the
                        // hub's client does after such a failure on its next attempt
                        http.send(post, HttpResponse.BodyHandlers.discarding());
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double rate = count / ((System.nanoTime() - started) / 1e9);
        pool.shutdown();
        return rate;
    }

    /** Publishes at {@code rate} per second for {@code seconds}; per event, the ms from its 202 to its arrival. */
    private long[] latency(int rate, int seconds) throws Exception {
        int total = rate * seconds;
        int first = sequence.getAndAdd(total);   // sequence numbers are unique across runs
        arrivals.clear();
        Map<Integer, Long> committed = new ConcurrentHashMap<>();
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(1);
        ExecutorService publishers = Executors.newFixedThreadPool(32);
        AtomicInteger seq = new AtomicInteger(first);
        AtomicLong refused = new AtomicLong();
        long periodMicros = 1_000_000L / rate;
        var tick = clock.scheduleAtFixedRate(() -> {
            int n = seq.getAndIncrement();
            if (n >= first + total) {
                return;
            }
            publishers.submit(() -> {
                HttpResponse<String> answer = send("POST", "/api/v1/events",
                        "{\"type\": \"reward.issued\", \"payload\": {\"seq\": " + n + "}}");
                if (answer.statusCode() == 202) {
                    committed.put(n, System.nanoTime());
                } else {
                    refused.incrementAndGet();
                }
                return null;
            });
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
        // the paced phase lasts its SECONDS: the clock's own timer ends it
        clock.schedule(() -> tick.cancel(false), seconds * 1000L + 500, TimeUnit.MILLISECONDS).get();
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> arrivals.size() >= committed.size());
        } catch (org.awaitility.core.ConditionTimeoutException notAll) {
            // reported below: how many of them arrived within the 30 s
        }
        clock.shutdown();
        publishers.shutdown();
        if (refused.get() > 0) {
            System.out.println(refused.get() + " publishes refused");
        }
        List<Long> millis = new ArrayList<>();
        committed.forEach((n, at) -> {
            Long arrived = arrivals.get(n);
            if (arrived != null) {
                millis.add(Math.max(0, (arrived - at) / 1_000));   // microseconds
            }
        });
        return millis.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static double percentile(long[] sortedMicros, int p) {
        if (sortedMicros.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1;
        return sortedMicros[Math.max(0, Math.min(sortedMicros.length - 1, index))] / 1000.0;
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int env(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
    }
}
