package io.integrationhub.webhooks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.function.BiPredicate;

/**
 * A webhook receiver served over real HTTP on 127.0.0.1 for the tests: it records every request (path, headers,
 * body, time) and answers each path with the statuses queued for it, then 200.
 */
final class WebhookReceiver implements AutoCloseable {

    record Received(String path, HttpHeaders headers, String body, Instant at) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Received> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Deque<Integer>> statuses = new ConcurrentHashMap<>();
    private volatile BiPredicate<String, String> failWhen = (path, body) -> false;
    private volatile java.time.Duration delay = java.time.Duration.ZERO;
    private final Map<String, java.time.Duration> pathDelays = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> started = new ConcurrentHashMap<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            started.computeIfAbsent(path, p -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            java.time.Duration late = pathDelays.getOrDefault(path, delay);
            if (!late.isZero()) {
                // the receiver is a slow server (its answer is late), not a test waiting for something
                try {
                    Thread.sleep(late.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String text = new String(body, StandardCharsets.UTF_8);
            received.add(new Received(path, HttpHeaders.of(exchange.getRequestHeaders(), (a, b) -> true), text, Instant.now()));
            Deque<Integer> queued = statuses.get(path);
            Integer status = queued == null ? null : queued.poll();
            int code = status != null ? status : failWhen.test(path, text) ? 500 : 200;
            if (code == 429) {
                exchange.getResponseHeaders().add("Retry-After", "1");
            }
            if (code >= 300 && code < 400) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:1/elsewhere");
            }
            byte[] answer = ("answer " + code).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next answers of {@code path}, in order; then 200 again. */
    void answer(String path, Integer... codes) {
        statuses.computeIfAbsent(path, p -> new ConcurrentLinkedDeque<>()).addAll(List.of(codes));
    }

    /** Answers 500 to every request of which this holds (path, body), until changed. */
    void failWhen(BiPredicate<String, String> failing) {
        this.failWhen = failing;
    }

    /** Answers only after this long (a slow endpoint), until changed. */
    void delay(java.time.Duration delay) {
        this.delay = delay;
    }

    /** Answers requests of {@code path} only after this long, until changed. */
    void delay(String path, java.time.Duration delay) {
        pathDelays.put(path, delay);
    }

    /** Requests of {@code path} that have arrived, answered or not yet. */
    int started(String path) {
        java.util.concurrent.atomic.AtomicInteger n = started.get(path);
        return n == null ? 0 : n.get();
    }

    /** Requests answered, as they were when answered (a slow path's after its delay). */
    List<Received> at(String path) {
        synchronized (received) {
            return received.stream().filter(r -> r.path().equals(path)).toList();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
