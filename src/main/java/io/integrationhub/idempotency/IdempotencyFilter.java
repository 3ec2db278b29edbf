package io.integrationhub.idempotency;

import io.integrationhub.idempotency.IdempotencyStore.Claimed;
import io.integrationhub.idempotency.IdempotencyStore.Completed;
import io.integrationhub.idempotency.IdempotencyStore.Key;
import io.integrationhub.idempotency.IdempotencyStore.Mismatch;
import io.integrationhub.platform.web.ApiRequestBodyFilter;
import io.integrationhub.platform.web.HubPrincipal;
import io.integrationhub.platform.web.ProblemResponses;
import io.integrationhub.platform.web.RestOperationFilter;
import io.integrationhub.platform.web.ReplayExclusion;
import io.integrationhub.platform.web.RestOperations;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.WebUtils;

/**
 * {@code Idempotency-Key} on every POST, PUT and PATCH under /api (IETF httpapi draft semantics), after
 * authentication and the capability check (whose operation and caller it reuses, see RestOperationFilter). The first request with a key runs and its response (status,
 * Location, Content-Type, body) is stored; the same key with the same method, path and body replays that response
 * with {@code Idempotent-Replayed: true} and runs nothing; a different request under the key answers 422; the
 * key while its first request still runs answers 409. A 5xx (or an exception) stores nothing, so a retry runs
 * again; a 4xx is stored and replayed. Operations that declare the header as a required parameter answer 400
 * without it. Only requests that reach a REST operation of the route files take part.
 *
 * <p>The answer is recorded right after the route closes its body, which sends it ({@link RecordingResponse};
 * Camel's platform-http does that on its own thread while the servlet request is async), so the client does not
 * wait for that database write. Until the record is written the key is in progress; a retry that reaches this
 * replica meanwhile waits for the record (at most {@link #RECORDING_WAIT}) and gets the replay, and one that
 * reaches another replica within that millisecond or so answers 409 like any request that overlaps its first
 * (retry later). A 5xx is forgotten before its answer goes, so the retry it invites always runs again. An answer
 * that is never closed (sendError, an empty body) is recorded when the request finishes, before it is sent.
 */
public class IdempotencyFilter extends OncePerRequestFilter {

    public static final String REPLAYED = "Idempotent-Replayed";
    static final Logger LOG = LoggerFactory.getLogger(IdempotencyFilter.class);
    /** The draft's key is a Structured Field string: printable ASCII, quoted; unquoted is accepted too. */
    private static final Pattern VALID_KEY = Pattern.compile("[\\x20-\\x7E]{1,255}");
    private static final List<String> STORED_HEADERS = List.of("Location", "Content-Type");
    private static final String CLAIM = IdempotencyFilter.class.getName() + ".claim";
    /** how long a retry waits for the record of an answer this replica has just sent */
    static final Duration RECORDING_WAIT = Duration.ofSeconds(2);

    private final IdempotencyStore store;
    private final ProblemResponses problems;
    /** keys whose answer has gone to the client and is being recorded; opened when the record is written */
    private final Map<Key, CountDownLatch> beingRecorded = new ConcurrentHashMap<>();

    public IdempotencyFilter(IdempotencyStore store, ProblemResponses problems) {
        this.store = store;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !ApiRequestBodyFilter.isWrite(request);
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isAsyncDispatch(request)) {
            chain.doFilter(request, response);
            RecordingResponse recording = WebUtils.getNativeResponse(response, RecordingResponse.class);
            if (request.getAttribute(CLAIM) != null && recording != null && !isAsyncStarted(request)) {
                recording.finish();   // usually done already, when the route's answer was closed
            }
            return;
        }
        RestOperations.Operation operation = RestOperationFilter.operationOf(request);
        HubPrincipal principal = RestOperationFilter.callerOf(request);
        if (operation == null || principal == null) {
            chain.doFilter(request, response);   // no operation of ours: a 404 or 405 is not worth keeping
            return;
        }
        String header = request.getHeader(RestOperations.IDEMPOTENCY_KEY);
        if (header == null) {
            if (operation.requiresIdempotencyKey()) {
                problems.write(response, HttpStatus.BAD_REQUEST, "this operation requires an "
                        + RestOperations.IDEMPOTENCY_KEY + " header (1..255 printable ASCII characters)");
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        String keyValue = unquote(header.trim());
        if (!VALID_KEY.matcher(keyValue).matches()) {
            problems.write(response, HttpStatus.BAD_REQUEST,
                    RestOperations.IDEMPOTENCY_KEY + " must be 1..255 printable ASCII characters");
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String pathAndQuery = request.getQueryString() == null ? path : path + "?" + request.getQueryString();
        byte[] fingerprint = IdempotencyStore.fingerprint(request.getMethod(), pathAndQuery,
                ApiRequestBodyFilter.bodyOf(request));
        Key key = new Key(principal.tenantId() == null ? "" : principal.tenantId(), principal.userId(), keyValue);
        IdempotencyStore.Claim claim = store.claim(key, fingerprint, request.getMethod(), pathAndQuery);
        if (claim instanceof IdempotencyStore.InProgress) {
            // the first request may have just answered: wait while this replica records that answer, then look
            // again (also when the record was finished between the claim and now)
            awaitRecording(key);
            claim = store.claim(key, fingerprint, request.getMethod(), pathAndQuery);
        }
        if (claim instanceof Claimed mine) {
            run(key, mine, request, response, chain);
        } else if (claim instanceof Completed done) {
            replay(done, response);
        } else if (claim instanceof Mismatch other) {
            problems.write(response, HttpStatus.UNPROCESSABLE_ENTITY,
                    "this " + RestOperations.IDEMPOTENCY_KEY + " was used for a different request (" + other.method()
                            + " " + other.path() + " or another body); use a new key");
        } else {
            response.setHeader("Retry-After", "1");
            problems.write(response, HttpStatus.CONFLICT,
                    "a request with this " + RestOperations.IDEMPOTENCY_KEY + " is still being processed; retry later");
        }
    }

    private void run(Key key, Claimed claim, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        RecordingResponse recording = new RecordingResponse(response, new RecordingResponse.Recorder() {
            @Override
            public void answering(RecordingResponse answer) {
                if (isTransient(request, answer)) {
                    store.release(key, claim);   // before the answer: the retry it invites must find the key free
                } else {
                    beingRecorded.put(key, new CountDownLatch(1));
                }
            }

            @Override
            public void answered(RecordingResponse answer) {
                if (!isTransient(request, answer)) {
                    try {
                        record(key, claim, answer);
                    } finally {
                        beingRecorded.remove(key).countDown();
                    }
                }
            }
        });
        request.setAttribute(CLAIM, key);
        try {
            chain.doFilter(request, recording);
        } catch (IOException | ServletException | RuntimeException e) {
            store.release(key, claim);
            throw e;
        }
        if (!isAsyncStarted(request)) {
            recording.finish();
        }
    }

    /**
     * Waits (at most {@link #RECORDING_WAIT}) while an answer of this key, sent by this replica, is being recorded;
     * returns at once when none is (the first request still runs, or ran elsewhere).
     */
    private void awaitRecording(Key key) {
        CountDownLatch recorded = beingRecorded.get(key);
        if (recorded == null) {
            return;
        }
        try {
            recorded.await(RECORDING_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * An answer that is not kept, so a retry runs again: a 5xx and any answer with {@code Retry-After} (a 409 "being
     * processed, retry later", a 429) invite the retry; one its route excluded ({@link ReplayExclusion}) holds what
     * must not be stored (a webhook signing secret).
     */
    private static boolean isTransient(HttpServletRequest request, RecordingResponse answer) {
        return answer.getStatus() >= 500 || answer.getHeader("Retry-After") != null
                || ReplayExclusion.isExcluded(request);
    }

    /** Keeps an answer below 500 without Retry-After for replay. */
    private void record(Key key, Claimed claim, RecordingResponse answer) {
        int status = answer.getStatus();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : STORED_HEADERS) {
            String value = "Content-Type".equals(name) ? answer.getContentType() : answer.getHeader(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        if (!store.complete(key, claim, status, headers, answer.body())) {
            LOG.warn("Idempotency-Key {}: the answer ({}) was not recorded: the request ran past "
                    + "hub.idempotency.in-progress-timeout and another request took the key over", key.key(), status);
        }
    }

    private static void replay(Completed done, HttpServletResponse response) throws IOException {
        response.setStatus(done.status());
        done.headers().forEach(response::setHeader);
        response.setHeader(REPLAYED, "true");
        byte[] body = done.body() == null ? new byte[0] : done.body();
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
