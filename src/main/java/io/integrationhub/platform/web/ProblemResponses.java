package io.integrationhub.platform.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * RFC 9457 problem+json answers, one shape for the whole API: from servlet filters (where no controller advice
 * reaches) and from routes (the rest-problem-errors route configuration calls {@link #fromCaughtException}).
 * Rendered by the application's ObjectMapper, which Spring Boot gives Spring MVC's {@code ProblemDetail} mix-in, so
 * any detail text (an exception message with quotes, say) stays valid JSON and the shape is Spring MVC's own.
 */
public class ProblemResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponses.class);

    private final ObjectMapper json;

    public ProblemResponses(ObjectMapper json) {
        this.json = json;
    }

    public static ProblemDetail problem(HttpStatus status, String detail, String correlationId) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        if (correlationId != null && !correlationId.isBlank()) {
            problem.setProperty("correlationId", correlationId);
        }
        return problem;
    }

    public void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem(status, detail, MDC.get(CorrelationIdFilter.MDC_KEY)));
    }

    /**
     * The answer of a route's onException. A 4xx carries the message of the caught exception, which the hub wrote
     * for the caller ({@link InvalidRequestException}, {@link ForeignTenantException}) or Jackson wrote about the
     * request body; a 5xx only the correlation id, and the exception is logged with its stack under that id. Route
     * YAML: {@code bean: {ref: problemResponses, method: "fromCaughtException(${exchange}, 400)"}}.
     */
    public void fromCaughtException(Exchange exchange, int status) throws JsonProcessingException {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String correlationId = exchange.getMessage().getHeader(CorrelationIdFilter.MDC_KEY, String.class);
        String detail;
        if (caught instanceof ApiProblemException problem) {
            // written for the caller, whatever its status (a 503 says what cannot be reached)
            detail = problem.getMessage();
        } else if (status >= 500) {
            LOG.error("request failed in route {} (correlation id {})", exchange.getProperty(Exchange.FAILURE_ROUTE_ID,
                    exchange.getFromRouteId(), String.class), correlationId, caught);
            detail = "the request failed inside the hub; quote correlation id " + correlationId + " to an operator";
        } else if (caught instanceof StreamReadException || caught instanceof StreamConstraintsException
                || caught instanceof MismatchedInputException) {
            // Jackson's own words name the field or position; its source excerpt is left out
            detail = "request body is not valid JSON: " + ((JsonProcessingException) caught).getOriginalMessage();
        } else {
            detail = caught == null || caught.getMessage() == null ? "the request was refused" : caught.getMessage();
        }
        toExchange(exchange, status, detail);
        if (caught instanceof ApiProblemException problem && problem.getRetryAfterSeconds() != null) {
            exchange.getMessage().setHeader("Retry-After", problem.getRetryAfterSeconds().toString());
        }
    }

    /**
     * 503: a system the request needs cannot be reached now (after the retries, or its circuit breaker is open). The
     * cause is logged as a warning under the correlation id; the caller is told to try again later.
     */
    public void unavailable(Exchange exchange, String system) throws JsonProcessingException {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String correlationId = exchange.getMessage().getHeader(CorrelationIdFilter.MDC_KEY, String.class);
        LOG.warn("request needs {}, which cannot be reached (correlation id {}): {}", system, correlationId,
                caught == null ? "unknown" : caught.getMessage());
        toExchange(exchange, 503, system + " cannot be reached now; try again later");
    }

    /** 503: the call was refused by an open circuit breaker, named in the answer (aaa, provider-airtime, ...). */
    public void breakerOpen(Exchange exchange) throws JsonProcessingException {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String breaker = caught instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException refused
                ? refused.getCausingCircuitBreakerName() : "unknown";
        unavailable(exchange, "the service behind circuit breaker '" + breaker + "' (open)");
    }

    /**
     * Turns the exchange into a problem answer: status code, content type, body; every other header is dropped so
     * no request header echoes back.
     */
    public void toExchange(Exchange exchange, int status, String detail) throws JsonProcessingException {
        String correlationId = exchange.getMessage().getHeader(CorrelationIdFilter.MDC_KEY, String.class);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (correlationId != null) {
            exchange.getMessage().setHeader(CorrelationIdFilter.MDC_KEY, correlationId);
        }
        exchange.getMessage().setBody(json.writeValueAsString(problem(HttpStatus.valueOf(status), detail, correlationId)));
    }
}
