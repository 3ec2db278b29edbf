package io.integrationhub.bench;

import io.integrationhub.vouchers.ProviderSignature;
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
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Voucher benchmark (not a test; bench/vouchers/run.sh starts the hub and runs this): vouchers issued per second
 * through the hub ({@code POST /api/v1/vouchers}, each with a new Idempotency-Key) beside direct signed issue calls
 * to the same airtime simulator by a plain HTTP client, WORKERS callers in closed loop each, in the same run.
 *
 * <p>Arguments: base URL, API token. Environment: WORKERS (8), SECONDS (20), WARMUP_SECONDS (15), ROUNDS (2).
 */
public final class VoucherBenchmark {

    /** The dev profile's airtime provider settings: the direct calls sign as the hub does. */
    private static final String KEY = "dev-airtime-key";
    private static final String SECRET = "dev-airtime-secret";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    private record Result(String mode, double perSecond, double p50, double p99, long errors) {}

    private VoucherBenchmark(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public static void main(String[] args) throws Exception {
        int workers = env("WORKERS", 8);
        int seconds = env("SECONDS", 20);
        int warmup = env("WARMUP_SECONDS", 15);
        int rounds = env("ROUNDS", 2);
        VoucherBenchmark bench = new VoucherBenchmark(args[0], args[1]);
        System.out.printf("warming up (%d s each) ...%n", warmup);
        bench.run("direct", workers, warmup);
        bench.run("hub", workers, warmup);
        List<Result> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (String mode : round % 2 == 1 ? List.of("direct", "hub") : List.of("hub", "direct")) {
                Result result = bench.run(mode, workers, seconds);
                results.add(result);
                System.out.printf("round %d %-6s %8.1f/s  p50 %6.1f ms  p99 %6.1f ms  errors %d%n", round, mode,
                        result.perSecond(), result.p50(), result.p99(), result.errors());
            }
        }
        double hub = results.stream().filter(r -> r.mode().equals("hub")).mapToDouble(Result::perSecond).average().orElse(0);
        double direct = results.stream().filter(r -> r.mode().equals("direct")).mapToDouble(Result::perSecond).average().orElse(0);
        double hubP99 = results.stream().filter(r -> r.mode().equals("hub")).mapToDouble(Result::p99).average().orElse(0);
        double directP99 = results.stream().filter(r -> r.mode().equals("direct")).mapToDouble(Result::p99).average().orElse(0);
        StringBuilder report = new StringBuilder(String.format("Voucher benchmark, %s (%d CPUs), %d callers, %d s per "
                + "round, simulator at zero latency%n", OffsetDateTime.now(), Runtime.getRuntime().availableProcessors(),
                workers, seconds));
        report.append(String.format("%-8s %-7s %12s %10s %10s %7s%n", "round", "mode", "per second", "p50 ms", "p99 ms", "errors"));
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            report.append(String.format("%-8d %-7s %12.1f %10.1f %10.1f %7d%n", i / 2 + 1, r.mode(), r.perSecond(), r.p50(),
                    r.p99(), r.errors()));
        }
        report.append(String.format("mean: hub %.1f vouchers/s, direct signed calls %.1f/s: %.0f%% of direct; p99 %.1f "
                + "against %.1f ms%n", hub, direct, 100 * hub / direct, hubP99, directP99));
        System.out.println();
        System.out.print(report);
        Path file = Path.of("bench", "results", "vouchers-" + OffsetDateTime.now().format(
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report.toString());
        System.out.println("written to " + file);
        System.exit(0);
    }

    private Result run(String mode, int workers, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>();
        long started = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    int status = mode.equals("hub") ? viaHub() : direct();
                    if (status == 201) {
                        latencies.add(System.nanoTime() - t);
                    } else {
                        errors.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        double took = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Result(mode, sorted.size() / took, percentile(sorted, 50), percentile(sorted, 99), errors.get());
    }

    private int viaHub() throws Exception {
        String body = "{\"provider\": \"airtime\", \"type\": \"airtime\", \"msisdn\": \"+263771234567\", \"amount\": 5, "
                + "\"currency\": \"USD\"}";
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/vouchers"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private int direct() throws Exception {
        byte[] body = ("{\"type\":\"airtime\",\"msisdn\":\"+263771234567\",\"amount\":5.00,\"currency\":\"USD\","
                + "\"reference\":\"" + UUID.randomUUID() + "\"}").getBytes(StandardCharsets.UTF_8);
        long timestamp = System.currentTimeMillis() / 1000;
        return http.send(HttpRequest.newBuilder(URI.create(base + "/sim/providers/airtime/api/v1/issue"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("X-Api-Key", KEY).header("X-Timestamp", Long.toString(timestamp))
                .header("X-Idempotency-Key", "bench:" + UUID.randomUUID())
                .header("X-Signature", ProviderSignature.sign(SECRET, "POST", "/api/v1/issue", timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static double percentile(List<Long> sortedNanos, int p) {
        if (sortedNanos.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.size()) - 1;
        return sortedNanos.get(Math.max(0, Math.min(sortedNanos.size() - 1, index))) / 1e6;
    }

    private static int env(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
    }
}
