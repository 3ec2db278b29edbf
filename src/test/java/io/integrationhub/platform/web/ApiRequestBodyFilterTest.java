package io.integrationhub.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** What the handler reads after the body filter: the same bytes as a stream, and as text in the declared charset. */
class ApiRequestBodyFilterTest {

    private final ApiRequestBodyFilter filter = new ApiRequestBodyFilter(64, new ProblemResponses(new com.fasterxml.jackson.databind.ObjectMapper()));

    @Test
    void theHandlerReadsTheBodyAsBytesAndAsTextInItsCharset() throws Exception {
        byte[] latin1 = "{\"name\":\"Coopérative Nördlingen\"}".getBytes(StandardCharsets.ISO_8859_1);
        MockHttpServletRequest request = post(latin1, "application/json;charset=ISO-8859-1");
        AtomicReference<HttpServletRequest> seen = new AtomicReference<>();

        filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> seen.set((HttpServletRequest) req));

        assertThat(seen.get().getInputStream().readAllBytes()).isEqualTo(latin1);
        try (BufferedReader reader = seen.get().getReader()) {
            assertThat(reader.lines().collect(Collectors.joining("\n"))).isEqualTo("{\"name\":\"Coopérative Nördlingen\"}");
        }
        assertThat(seen.get().getContentLength()).isEqualTo(latin1.length);
        assertThat(ApiRequestBodyFilter.bodyOf(seen.get())).isEqualTo(latin1);
    }

    @Test
    void anEmptyBodyReadsAsEmptyText() throws Exception {
        AtomicReference<HttpServletRequest> seen = new AtomicReference<>();

        filter.doFilter(post(new byte[0], "application/json"), new MockHttpServletResponse(),
                (req, res) -> seen.set((HttpServletRequest) req));

        assertThat(seen.get().getReader().read()).isEqualTo(-1);
    }

    @Test
    void aBodyWithoutADeclaredLengthIsCutAtTheLimitAndRefused() throws Exception {
        MockHttpServletRequest request = post("{\"x\":\"".concat("y".repeat(100)).concat("\"}")
                .getBytes(StandardCharsets.UTF_8), "application/json");
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicReference<HttpServletRequest> seen = new AtomicReference<>();

        filter.doFilter(new ChunkedRequest(request), response, (req, res) -> seen.set((HttpServletRequest) req));

        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(seen.get()).isNull();
    }

    private static MockHttpServletRequest post(byte[] body, String contentType) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/things");
        request.setContentType(contentType);
        request.setContent(body);
        return request;
    }

    /** A request whose length is not declared, as with Transfer-Encoding: chunked. */
    private static final class ChunkedRequest extends HttpServletRequestWrapper {
        ChunkedRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public int getContentLength() {
            return -1;
        }

        @Override
        public long getContentLengthLong() {
            return -1;
        }
    }
}
