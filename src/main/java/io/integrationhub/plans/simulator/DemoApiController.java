package io.integrationhub.plans.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The demo third-party API integration plans pull from in dev and in the tests ({@code /sim/demo-api}, docs/plans.md
 * "Dev demo API"): a generated data set of customers, each with orders, served the ways real APIs page:
 * <ul>
 * <li>{@code GET /customers?page=&per_page=}: page-numbered, API key {@value #API_KEY} in {@code X-Api-Key} (or
 *     {@code api_key} in the query, or basic auth {@value #BASIC_USER} / the key);</li>
 * <li>{@code GET /events?cursor=&limit=}: cursor pages ({@code next_cursor} in the body), OAuth2 bearer token;</li>
 * <li>{@code GET /customers/{id}/orders?page=&per_page=}: a JSON array with {@code Link: <...>; rel="next"} pages
 *     (parent → children), API key;</li>
 * <li>{@code GET /records?offset=&limit=} and {@code GET /records/pages?page=&per_page=}: {@code records} generated
 *     records (the benchmark's 100,000), and {@code GET /feed?next=}: next link in the body, no auth;</li>
 * <li>{@code POST /oauth/token}: client credentials ({@value #CLIENT_ID} / {@value #CLIENT_SECRET}, form or JSON),
 *     short-lived tokens ({@code token_lifetime_seconds}, default 60);</li>
 * <li>{@code GET /loop/cursor}, {@code GET /loop/link}: an API that hands back the same cursor or link forever;
 *     {@code GET /large?bytes=}: a large answer; {@code GET /slow?ms=}: a slow one; {@code GET /limited}: answers
 *     {@code RateLimit-Remaining}/{@code RateLimit-Reset}.</li>
 * </ul>
 * Operator resources: {@code PUT/GET /switches} ({@code force_401}: the next request with a token answers 401 once;
 * {@code token_lifetime_seconds}), {@code PUT /dataset} ({@code customers}, {@code orders_per_customer},
 * {@code records}), {@code GET/DELETE /requests} (requests per second, tokens issued), and the shared
 * {@code /faults} and {@code /calls}.
 */
@RestController
@RequestMapping("/sim/demo-api")
@ConditionalOnProperty(name = "hub.simulators.enabled", havingValue = "true")
class DemoApiController {

    static final String API_KEY = "demo-key";
    static final String BASIC_USER = "demo";
    static final String CLIENT_ID = "demo-client";
    static final String CLIENT_SECRET = "demo-secret";

    private final ObjectMapper json;
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final AtomicBoolean force401 = new AtomicBoolean();
    private final AtomicInteger tokenLifetime = new AtomicInteger(60);
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicInteger customers = new AtomicInteger(250);
    private final AtomicInteger ordersPerCustomer = new AtomicInteger(3);
    private final AtomicLong records = new AtomicLong(1000);
    private final Map<Long, LongAdder> perSecond = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();

    DemoApiController(ObjectMapper json) {
        this.json = json;
    }

    private void counted() {
        perSecond.computeIfAbsent(Instant.now().getEpochSecond(), s -> new LongAdder()).increment();
        total.increment();
    }

    private ResponseEntity<Object> problem(HttpStatus status, String detail) {
        ObjectNode problem = json.createObjectNode().put("type", "about:blank").put("title", status.getReasonPhrase())
                .put("status", status.value()).put("detail", detail);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** The API key in X-Api-Key or api_key, or basic auth as user {@value #BASIC_USER} with the key as password. */
    private ResponseEntity<Object> apiKey(String header, String query) {
        String authorization = org.springframework.web.context.request.RequestContextHolder.currentRequestAttributes()
                instanceof org.springframework.web.context.request.ServletRequestAttributes attributes
                ? attributes.getRequest().getHeader(HttpHeaders.AUTHORIZATION) : null;
        String basic = "Basic " + Base64.getEncoder().encodeToString((BASIC_USER + ":" + API_KEY)
                .getBytes(StandardCharsets.UTF_8));
        if (!API_KEY.equals(header) && !API_KEY.equals(query) && !basic.equals(authorization)) {
            return problem(HttpStatus.UNAUTHORIZED, "X-Api-Key (or api_key, or basic auth demo:<key>) must carry the "
                    + "demo key");
        }
        return null;
    }

    private ResponseEntity<Object> bearer(String authorization) {
        if (force401.compareAndSet(true, false)) {
            return problem(HttpStatus.UNAUTHORIZED, "forced 401 (switch force_401)");
        }
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        Instant expires = token == null ? null : tokens.get(token);
        if (expires == null || expires.isBefore(Instant.now())) {
            return problem(HttpStatus.UNAUTHORIZED, token == null ? "a bearer token is required" : "the token expired");
        }
        return null;
    }

    private ObjectNode customer(int n) {
        return json.createObjectNode().put("id", String.format("c-%04d", n)).put("name", "Customer " + n)
                .put("email", "customer" + n + "@example.org").put("status", n % 5 == 0 ? "inactive" : "active")
                .put("updated_at", Instant.parse("2026-01-01T00:00:00Z").plusSeconds(n * 60L).toString());
    }

    @GetMapping("/customers")
    ResponseEntity<Object> customers(@RequestParam(defaultValue = "1") int page,
            @RequestParam(name = "per_page", defaultValue = "50") int perPage,
            @RequestHeader(name = "X-Api-Key", required = false) String key,
            @RequestParam(name = "api_key", required = false) String keyInQuery) {
        counted();
        ResponseEntity<Object> refused = apiKey(key, keyInQuery);
        if (refused != null) {
            return refused;
        }
        if (page < 1 || perPage < 1 || perPage > 500) {
            return problem(HttpStatus.BAD_REQUEST, "page >= 1 and per_page 1..500");
        }
        ArrayNode data = json.createArrayNode();
        int total = customers.get();
        for (int n = (page - 1) * perPage + 1; n <= Math.min(total, page * perPage); n++) {
            data.add(customer(n));
        }
        ObjectNode body = json.createObjectNode();
        body.set("data", data);
        body.put("page", page).put("per_page", perPage).put("total", total);
        return ResponseEntity.ok(body);
    }

    @GetMapping("/customers/{id}/orders")
    ResponseEntity<Object> orders(@PathVariable String id, @RequestParam(defaultValue = "1") int page,
            @RequestParam(name = "per_page", defaultValue = "2") int perPage,
            @RequestHeader(name = "X-Api-Key", required = false) String key,
            @RequestParam(name = "api_key", required = false) String keyInQuery, HttpServletRequest request) {
        counted();
        ResponseEntity<Object> refused = apiKey(key, keyInQuery);
        if (refused != null) {
            return refused;
        }
        int count = ordersPerCustomer.get();
        ArrayNode data = json.createArrayNode();
        for (int n = (page - 1) * perPage + 1; n <= Math.min(count, page * perPage); n++) {
            data.add(json.createObjectNode().put("id", id.replace("c-", "o-") + "-" + n).put("customer_id", id)
                    .put("amount", 10 * n).put("created_at", Instant.parse("2026-02-01T00:00:00Z").plusSeconds(n).toString()));
        }
        HttpHeaders headers = new HttpHeaders();
        if (page * perPage < count) {
            headers.add(HttpHeaders.LINK, "<" + request.getRequestURI() + "?page=" + (page + 1) + "&per_page=" + perPage
                    + ">; rel=\"next\", <" + request.getRequestURI() + "?page=1&per_page=" + perPage + ">; rel=\"first\"");
        }
        return ResponseEntity.ok().headers(headers).body(data);
    }

    /** Cursor pages over the customers' events; the cursor is opaque (base64 of the next index). */
    @GetMapping("/events")
    ResponseEntity<Object> events(@RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "100") int limit,
            @RequestParam(name = "updated_since", required = false) String updatedSince,
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        counted();
        ResponseEntity<Object> refused = bearer(authorization);
        if (refused != null) {
            return refused;
        }
        int start = cursor == null ? 1 : Integer.parseInt(new String(Base64.getUrlDecoder().decode(cursor),
                StandardCharsets.UTF_8));
        int total = customers.get();
        ArrayNode items = json.createArrayNode();
        int n = start;
        for (; n <= total && items.size() < limit; n++) {
            ObjectNode customer = customer(n);
            if (updatedSince != null && customer.get("updated_at").asText().compareTo(updatedSince) <= 0) {
                continue;
            }
            items.add(json.createObjectNode().put("id", "e-" + n).put("kind", "customer.updated")
                    .put("customer_id", customer.get("id").asText()).put("at", customer.get("updated_at").asText()));
        }
        ObjectNode body = json.createObjectNode();
        body.set("items", items);
        body.put("next_cursor", n <= total ? Base64.getUrlEncoder().encodeToString(String.valueOf(n)
                .getBytes(StandardCharsets.UTF_8)) : null);
        return ResponseEntity.ok(body);
    }

    private ObjectNode record(long n) {
        return json.createObjectNode().put("id", "r-" + n).put("value", n).put("label", "record " + n);
    }

    @GetMapping("/records")
    ResponseEntity<Object> recordsByOffset(@RequestParam(defaultValue = "0") long offset,
            @RequestParam(defaultValue = "100") int limit) {
        counted();
        ArrayNode data = json.createArrayNode();
        for (long n = offset + 1; n <= Math.min(records.get(), offset + limit); n++) {
            data.add(record(n));
        }
        ObjectNode body = json.createObjectNode();
        body.set("records", data);
        body.put("offset", offset).put("total", records.get());
        return ResponseEntity.ok(body);
    }

    @GetMapping("/records/pages")
    ResponseEntity<Object> recordPages(@RequestParam(defaultValue = "1") long page,
            @RequestParam(name = "per_page", defaultValue = "100") int perPage) {
        return recordsByOffset((page - 1) * perPage, perPage);
    }

    /** Next link in the body: {@code links.next}, relative. */
    @GetMapping("/feed")
    ResponseEntity<Object> feed(@RequestParam(defaultValue = "0") long next, @RequestParam(defaultValue = "50") int limit) {
        counted();
        ArrayNode data = json.createArrayNode();
        for (long n = next + 1; n <= Math.min(records.get(), next + limit); n++) {
            data.add(record(n));
        }
        ObjectNode body = json.createObjectNode();
        body.set("entries", data);
        ObjectNode links = body.putObject("links");
        links.put("next", next + limit < records.get() ? "feed?next=" + (next + limit) + "&limit=" + limit : null);
        return ResponseEntity.ok(body);
    }

    @PostMapping(value = "/oauth/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<Object> tokenForm(@RequestParam MultiValueMap<String, String> form) {
        return token(form.getFirst("grant_type"), form.getFirst("client_id"), form.getFirst("client_secret"));
    }

    @PostMapping(value = "/oauth/token", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Object> tokenJson(@RequestBody Map<String, Object> body) {
        return token(String.valueOf(body.get("grant_type")), String.valueOf(body.get("client_id")),
                String.valueOf(body.get("client_secret")));
    }

    private ResponseEntity<Object> token(String grant, String clientId, String clientSecret) {
        counted();
        if (!"client_credentials".equals(grant)) {
            return ResponseEntity.badRequest().body(Map.of("error", "unsupported_grant_type"));
        }
        if (!CLIENT_ID.equals(clientId) || !CLIENT_SECRET.equals(clientSecret)) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "invalid_client"));
        }
        String token = UUID.randomUUID().toString();
        int lifetime = tokenLifetime.get();
        tokens.put(token, Instant.now().plusSeconds(lifetime));
        tokensIssued.incrementAndGet();
        return ResponseEntity.ok(Map.of("access_token", token, "token_type", "Bearer", "expires_in", lifetime));
    }

    @GetMapping("/loop/cursor")
    ResponseEntity<Object> loopingCursor() {
        counted();
        return ResponseEntity.ok(json.createObjectNode().put("next_cursor", "the-same-cursor")
                .set("items", json.createArrayNode().add(record(1))));
    }

    @GetMapping("/loop/link")
    ResponseEntity<Object> loopingLink(HttpServletRequest request) {
        counted();
        return ResponseEntity.ok().header(HttpHeaders.LINK, "<" + request.getRequestURI() + "?page=2>; rel=\"next\"")
                .body(json.createArrayNode().add(record(1)));
    }

    @GetMapping("/large")
    ResponseEntity<Object> large(@RequestParam int bytes) {
        counted();
        return ResponseEntity.ok(json.createObjectNode().put("padding", "x".repeat(Math.max(0, bytes))));
    }

    @GetMapping("/slow")
    ResponseEntity<Object> slow(@RequestParam long ms) throws InterruptedException {
        counted();
        Thread.sleep(Math.min(ms, 120_000));
        return ResponseEntity.ok(json.createObjectNode().set("data", json.createArrayNode().add(record(1))));
    }

    /** Answers with the draft-standard rate-limit headers: {@code remaining} left, reset in {@code reset} seconds. */
    @GetMapping("/limited")
    ResponseEntity<Object> limited(@RequestParam(defaultValue = "0") int remaining, @RequestParam(defaultValue = "1") int reset) {
        counted();
        return ResponseEntity.ok().header("RateLimit-Remaining", String.valueOf(remaining))
                .header("RateLimit-Reset", String.valueOf(reset))
                .body(json.createObjectNode().set("data", json.createArrayNode().add(record(1))));
    }

    @GetMapping("/switches")
    Map<String, Object> switches() {
        return Map.of("force_401", force401.get(), "token_lifetime_seconds", tokenLifetime.get());
    }

    @PutMapping("/switches")
    Map<String, Object> setSwitches(@RequestBody Map<String, Object> body) {
        if (body.get("force_401") instanceof Boolean b) {
            force401.set(b);
        }
        if (body.get("token_lifetime_seconds") instanceof Number n) {
            tokenLifetime.set(n.intValue());
        }
        return switches();
    }

    @PutMapping("/dataset")
    Map<String, Object> dataset(@RequestBody Map<String, Object> body) {
        if (body.get("customers") instanceof Number n) {
            customers.set(n.intValue());
        }
        if (body.get("orders_per_customer") instanceof Number n) {
            ordersPerCustomer.set(n.intValue());
        }
        if (body.get("records") instanceof Number n) {
            records.set(n.longValue());
        }
        return Map.of("customers", customers.get(), "orders_per_customer", ordersPerCustomer.get(),
                "records", records.get());
    }

    /** Requests per wall-clock second (epoch second → count), all requests, tokens issued. */
    @GetMapping("/requests")
    Map<String, Object> requests() {
        Map<String, Long> seconds = new TreeMap<>();
        perSecond.forEach((second, n) -> seconds.put(String.valueOf(second), n.sum()));
        return Map.of("per_second", seconds, "total", total.sum(), "tokens_issued", tokensIssued.get());
    }

    @DeleteMapping("/requests")
    ResponseEntity<Void> resetRequests() {
        perSecond.clear();
        total.reset();
        tokensIssued.set(0);
        return ResponseEntity.noContent().build();
    }
}
