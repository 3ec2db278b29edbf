package io.integrationhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Integration plan benchmark (not a test; bench/plans/run.sh starts the hub and runs this): a paginated pull of
 * RECORDS records (100 per page) from the hub's demo API into Kafka, as a plan (the hub's route: the plan-http-action
 * Kamelet per page, the emit step's batch to plan-entities acknowledged per page), beside a raw loop doing the same
 * pull in the same run: Java HttpClient, one page after the other, Jackson, a kafka-clients producer (acks=all, the
 * same key, value and headers), waiting for each page's acks before the next page, into the same broker. Then the same
 * plan through an integration with a cluster-wide rate limit high enough never to wait, to measure what the limiter
 * (Bucket4j on PostgreSQL) adds per request: the hub's own timer of it, and the pull's time per page against the
 * unlimited plan's.
 *
 * <p>Arguments: base URL, API token, Kafka bootstrap servers. Environment: RECORDS (100000), ROUNDS (2).
 */
public final class PlanBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PER_PAGE = 100;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;
    private final String kafka;
    private final int records;

    private record Result(String mode, double seconds, long entities, long pages) {
        double perSecond() {
            return entities / seconds;
        }

        double msPerPage() {
            return seconds * 1000 / pages;
        }
    }

    private PlanBenchmark(String base, String token, String kafka, int records) {
        this.base = base;
        this.token = token;
        this.kafka = kafka;
        this.records = records;
    }

    public static void main(String[] args) throws Exception {
        int records = env("RECORDS", 100_000);
        int rounds = env("ROUNDS", 2);
        PlanBenchmark bench = new PlanBenchmark(args[0], args[1], args[2], records);
        bench.put("/sim/demo-api/dataset", "{\"records\": " + records + "}");
        String plain = bench.plan("pull", null);
        String limited = bench.plan("pull-limited", "\"rate_limit_per_second\": 100000");
        System.out.printf("warming up (one pull of %,d records each way) ...%n", records);
        bench.viaHub(plain);
        bench.raw();
        List<Result> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (String mode : round % 2 == 1 ? List.of("raw", "hub") : List.of("hub", "raw")) {
                Result r = mode.equals("hub") ? bench.viaHub(plain) : bench.raw();
                results.add(r);
                System.out.printf("round %d %-4s %,10.0f entities/s  %.2f s  %.2f ms/page%n", round, mode,
                        r.perSecond(), r.seconds(), r.msPerPage());
            }
        }
        Map<Double, Double> before = bench.limiterBuckets();
        Result limitedRun = bench.viaHub(limited);
        Map<Double, Double> after = bench.limiterBuckets();
        double[] limiter = percentiles(before, after, 0.50, 0.99);
        Result plainRun = bench.viaHub(plain);

        double hub = results.stream().filter(r -> r.mode().equals("hub")).mapToDouble(Result::perSecond).average()
                .orElse(0);
        double raw = results.stream().filter(r -> r.mode().equals("raw")).mapToDouble(Result::perSecond).average()
                .orElse(0);
        StringBuilder report = new StringBuilder(String.format("Plan benchmark, %s (%d CPUs): a pull of %,d records, %d "
                + "per page, from the demo API into Kafka; hub, demo API, broker and client on one machine%n",
                OffsetDateTime.now(), Runtime.getRuntime().availableProcessors(), records, PER_PAGE));
        report.append(String.format("%-6s %-5s %14s %10s %10s%n", "round", "mode", "entities/s", "seconds", "ms/page"));
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            report.append(String.format("%-6d %-5s %,14.0f %10.2f %10.2f%n", i / 2 + 1, r.mode(), r.perSecond(),
                    r.seconds(), r.msPerPage()));
        }
        report.append(String.format("mean: hub %,.0f entities/s, raw loop %,.0f/s%n", hub, raw));
        report.append(String.format("JUDGED: hub / raw loop = %,.0f / %,.0f = %.0f%% (target >= 50%%: %s)%n", hub, raw,
                100 * hub / raw, hub >= raw / 2 ? "met" : "MISSED"));
        report.append(String.format("rate limiter (integration limit 100,000/s, never waiting): hub timer "
                + "hub.plans.rate_limit.acquire p50 <= %.2f ms, p99 <= %.2f ms (bucket upper bounds); the pull %.2f ms/page "
                + "against %.2f ms/page for the same plan without a limit run just after (%+.2f ms per request)%n",
                limiter[0], limiter[1], limitedRun.msPerPage(), plainRun.msPerPage(),
                limitedRun.msPerPage() - plainRun.msPerPage()));
        System.out.println();
        System.out.print(report);
        Path file = Path.of("bench", "results", "plans-" + OffsetDateTime.now().format(
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report.toString());
        System.out.println("written to " + file);
        System.exit(0);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void put(String path, String body) throws Exception {
        HttpResponse<String> answer = send("PUT", path, body);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + answer.statusCode() + " " + answer.body());
        }
    }

    private JsonNode created(String path, String body) throws Exception {
        HttpResponse<String> answer = send("POST", path, body);
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + ": " + answer.statusCode() + " " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    /** An integration of the demo API (with {@code extra} fields) and the pull's plan on it. */
    private String plan(String name, String extra) throws Exception {
        String integration = created("/api/v1/integrations", "{\"name\": \"bench-" + name + "-" + UUID.randomUUID()
                + "\", \"base_url\": \"" + base + "/sim/demo-api\"" + (extra == null ? "" : ", " + extra) + "}")
                .path("id").asText();
        return created("/api/v1/plans", "{\"name\": \"" + name + "-" + UUID.randomUUID().toString().substring(0, 8)
                + "\", \"integration_id\": \"" + integration + "\", \"steps\": [{\"id\": \"pages\", \"kind\": "
                + "\"request\", \"path\": \"/records/pages\", \"query\": {\"per_page\": \"" + PER_PAGE + "\"}, "
                + "\"paginate\": {\"type\": \"page_number\", \"records\": \"records\", \"size\": " + PER_PAGE
                + ", \"stop_when\": \"offset >= `" + (records - PER_PAGE) + "`\", \"max_pages\": " + (records / PER_PAGE)
                + "}, \"steps\": [{\"id\": \"emit\", \"kind\": \"emit\", \"type\": \"record\", \"records\": \"records\", "
                + "\"id\": \"id\"}]}]}").path("id").asText();
    }

    private Result viaHub(String plan) throws Exception {
        long start = System.nanoTime();
        String execution = created("/api/v1/plans/" + plan + "/run", null).path("execution_id").asText();
        JsonNode e = org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(30)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    HttpResponse<String> answer = send("GET", "/api/v1/executions/" + execution, null);
                    return answer.statusCode() == 200 ? JSON.readTree(answer.body()) : null;
                }, node -> node != null && !node.path("status").asText().equals("queued")
                        && !node.path("status").asText().equals("running"));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!e.path("status").asText().equals("success") || e.path("entities").asLong() != records) {
            throw new IllegalStateException("the plan's execution ended " + e.path("status").asText() + ": " + e);
        }
        return new Result("hub", seconds, e.path("entities").asLong(), e.path("pages").asLong());
    }

    /** The same pull by hand: HttpClient + Jackson + kafka-clients, acks of each page awaited before the next. */
    private Result raw() throws Exception {
        String tenant = "bench-raw";
        String executionId = UUID.randomUUID().toString();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            long start = System.nanoTime();
            long entities = 0;
            long pages = 0;
            for (int page = 1; ; page++) {
                HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(URI.create(base
                        + "/sim/demo-api/records/pages?page=" + page + "&per_page=" + PER_PAGE)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("page " + page + ": " + answer.statusCode());
                }
                pages++;
                JsonNode body = JSON.readTree(answer.body());
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                for (JsonNode record : body.path("records")) {
                    String id = record.path("id").asText();
                    ObjectNode value = JSON.createObjectNode();
                    value.put("type", "record").put("id", id).set("record", record);
                    ProducerRecord<String, String> out = new ProducerRecord<>("bench-raw-entities",
                            tenant + ":record:" + id, value.toString());
                    out.headers().add("tenant", tenant.getBytes(StandardCharsets.UTF_8))
                            .add("execution", executionId.getBytes(StandardCharsets.UTF_8));
                    acks.add(producer.send(out));
                }
                for (Future<RecordMetadata> ack : acks) {
                    ack.get();
                }
                entities += acks.size();
                if (acks.size() < PER_PAGE || body.path("offset").asLong() >= records - PER_PAGE) {
                    break;
                }
            }
            return new Result("raw", (System.nanoTime() - start) / 1e9, entities, pages);
        }
    }

    private static final Pattern BUCKET = Pattern.compile(
            "^hub_plans_rate_limit_acquire_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*\\} ([0-9.eE+-]+)$",
            Pattern.MULTILINE);

    /** The limiter timer's cumulative buckets: upper bound (s) → count. */
    private Map<Double, Double> limiterBuckets() throws Exception {
        Map<Double, Double> buckets = new TreeMap<>();
        Matcher m = BUCKET.matcher(send("GET", "/actuator/prometheus", null).body());
        while (m.find()) {
            double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            buckets.put(le, Double.parseDouble(m.group(2)));
        }
        return buckets;
    }

    /** The upper bound (ms) of the bucket holding each percentile of the samples between two snapshots. */
    private static double[] percentiles(Map<Double, Double> before, Map<Double, Double> after, double... qs) {
        double total = after.getOrDefault(Double.POSITIVE_INFINITY, 0.0)
                - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        double[] result = new double[qs.length];
        for (int q = 0; q < qs.length; q++) {
            result[q] = Double.NaN;
            for (Map.Entry<Double, Double> e : after.entrySet()) {
                double count = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
                if (total > 0 && count >= qs[q] * total) {
                    result[q] = e.getKey() * 1000;
                    break;
                }
            }
        }
        return result;
    }

    private static int env(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
    }
}
