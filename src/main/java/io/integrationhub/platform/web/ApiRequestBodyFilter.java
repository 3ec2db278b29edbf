package io.integrationhub.platform.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.WebUtils;

/**
 * Reads the body of every POST, PUT and PATCH under /api up front, at most {@code maxBodySize} bytes: a larger
 * body answers 413 problem+json before any handler runs (declared by Content-Length or found while reading a
 * chunked body), so nothing is half-processed. A non-empty body must be JSON ({@code application/json} or
 * {@code application/*+json}), else 415: the API speaks only JSON, and Camel's platform-http would otherwise try
 * to parse a form body itself and fail with a 500. The buffered body is what the route and the Idempotency-Key
 * fingerprint see ({@link #bodyOf}).
 */
public class ApiRequestBodyFilter extends OncePerRequestFilter {

    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH");

    private final long maxBodySize;
    private final ProblemResponses problems;

    public ApiRequestBodyFilter(long maxBodySize, ProblemResponses problems) {
        this.maxBodySize = maxBodySize;
        this.problems = problems;
    }

    /** POST, PUT or PATCH: the requests that carry a body to check (and an Idempotency-Key to honour). */
    public static boolean isWrite(HttpServletRequest request) {
        return WRITES.contains(request.getMethod());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !isWrite(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBodySize) {
            tooLarge(response);
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            // a declared length (within the limit, checked above; the container ends the body there) is read
            // into one array of its size; a chunked body up to the limit plus one byte, in 8 KB steps
            long declared = request.getContentLengthLong();
            body = in.readNBytes((int) (declared >= 0 ? declared : Math.min(Integer.MAX_VALUE - 8, maxBodySize + 1)));
        }
        if (body.length > maxBodySize) {
            tooLarge(response);
            return;
        }
        if (body.length > 0 && !isJson(request.getContentType())) {
            problems.write(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "the request body must be JSON "
                    + "(Content-Type: application/json), not " + (request.getContentType() == null ? "untyped"
                    : request.getContentType()));
            return;
        }
        chain.doFilter(new BufferedBodyRequest(request, body), response);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return type.isCompatibleWith(MediaType.APPLICATION_JSON)
                    || ("application".equals(type.getType()) && type.getSubtype().endsWith("+json"));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        // the client may still be sending: close the connection rather than read the rest
        response.setHeader("Connection", "close");
        problems.write(response, HttpStatus.PAYLOAD_TOO_LARGE,
                "the request body is larger than " + maxBodySize + " bytes (hub.api.max-body-size)");
    }

    /** The body this filter read, or null when the request did not pass through it. */
    public static byte[] bodyOf(HttpServletRequest request) {
        BufferedBodyRequest buffered = WebUtils.getNativeRequest(request, BufferedBodyRequest.class);
        return buffered == null ? null : buffered.body;
    }

    static final class BufferedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already buffered; read it synchronously");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset;
            try {
                charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            } catch (IllegalArgumentException unknownCharset) {
                charset = StandardCharsets.UTF_8;
            }
            // decoded at once into a reader sized to the body: InputStreamReader and BufferedReader would
            // allocate 24 KB of buffers per request for a body of a few hundred bytes
            String text = new String(body, charset);
            return new BufferedReader(new StringReader(text), Math.max(1, Math.min(text.length(), 8192)));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
