package io.integrationhub.platform.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.camel.Exchange;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;

/**
 * RFC 9457 problem+json answers, one shape for the whole API: from servlet filters (where no controller advice
 * reaches) and from routes (the rest-problem-errors route configuration calls {@link #toExchange}). Rendered by
 * Jackson, so any detail text (an exception message with quotes, say) stays valid JSON.
 */
public final class ProblemResponses {

    /** Spring's own problem shape, rendered as Spring MVC renders it (the same mix-in), plus correlationId. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class);

    private ProblemResponses() {}

    public static ProblemDetail problem(HttpStatus status, String detail, String correlationId) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        if (correlationId != null && !correlationId.isBlank()) {
            problem.setProperty("correlationId", correlationId);
        }
        return problem;
    }

    public static void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JSON.writeValue(response.getOutputStream(), problem(status, detail, MDC.get(CorrelationIdFilter.MDC_KEY)));
    }

    /**
     * The answer of a route's onException: a 4xx carries the message of the caught exception (which the hub wrote
     * for the caller), a 5xx only the correlation id (no internals). Route YAML: {@code bean: {beanType:
     * io.integrationhub.platform.web.ProblemResponses, method: "fromCaughtException(${exchange}, 400)"}}.
     */
    public static void fromCaughtException(Exchange exchange, int status) throws JsonProcessingException {
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String correlationId = exchange.getMessage().getHeader(CorrelationIdFilter.MDC_KEY, String.class);
        String detail;
        if (status >= 500) {
            detail = "the request failed inside the hub; quote correlation id " + correlationId + " to an operator";
        } else if (caught instanceof JsonProcessingException json) {
            // Jackson's own words name the field or position; its source excerpt is left out
            detail = "request body is not valid JSON: " + json.getOriginalMessage();
        } else {
            detail = caught == null || caught.getMessage() == null ? "the request was refused" : caught.getMessage();
        }
        toExchange(exchange, status, detail);
    }

    /**
     * Turns the exchange into a problem answer: status code, content type, body; every other header is dropped so
     * no request header echoes back.
     */
    public static void toExchange(Exchange exchange, int status, String detail) throws JsonProcessingException {
        String correlationId = exchange.getMessage().getHeader(CorrelationIdFilter.MDC_KEY, String.class);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (correlationId != null) {
            exchange.getMessage().setHeader(CorrelationIdFilter.MDC_KEY, correlationId);
        }
        exchange.getMessage().setBody(JSON.writeValueAsString(problem(HttpStatus.valueOf(status), detail, correlationId)));
    }
}
