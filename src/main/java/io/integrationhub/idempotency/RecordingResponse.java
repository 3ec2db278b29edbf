package io.integrationhub.idempotency;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Passes an answer through to the client as it is written and keeps a copy of the body. When the writer closes
 * the body (Camel's platform-http does, on its own thread, and that close sends the answer), {@code onFinish}
 * runs first: the answer is recorded before the client can see it, so a retry that follows the answer always
 * finds it, and the client does not wait for the servlet's async dispatch. {@link #finish()} covers answers
 * whose body is never closed (sendError, an empty body); it runs {@code onFinish} at most once overall.
 */
final class RecordingResponse extends HttpServletResponseWrapper {

    private final ByteArrayOutputStream copy = new ByteArrayOutputStream(256);
    private final Consumer<RecordingResponse> onFinish;
    private final AtomicBoolean finished = new AtomicBoolean();
    private ServletOutputStream stream;
    private PrintWriter writer;

    RecordingResponse(HttpServletResponse response, Consumer<RecordingResponse> onFinish) {
        super(response);
        this.onFinish = onFinish;
    }

    /** The body written so far. */
    byte[] body() {
        if (writer != null) {
            writer.flush();
        }
        return copy.toByteArray();
    }

    /** Records the answer unless that already happened. */
    void finish() {
        if (finished.compareAndSet(false, true)) {
            onFinish.accept(this);
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (writer != null) {
            throw new IllegalStateException("getWriter() has already been called on this response");
        }
        return tee();
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            if (stream != null) {
                throw new IllegalStateException("getOutputStream() has already been called on this response");
            }
            writer = new PrintWriter(new OutputStreamWriter(tee(), getCharacterEncoding()));
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        if (writer != null) {
            writer.flush();
        }
        super.flushBuffer();
    }

    private ServletOutputStream tee() throws IOException {
        if (stream == null) {
            ServletOutputStream target = super.getOutputStream();
            stream = new ServletOutputStream() {
                @Override
                public void write(int b) throws IOException {
                    copy.write(b);   // the copy first: the record is whole even if the client has gone
                    target.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    copy.write(b, off, len);
                    target.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    target.flush();
                }

                @Override
                public void close() throws IOException {
                    try {
                        finish();
                    } catch (RuntimeException e) {
                        // the key stays in progress (see IdempotencyStore); the client still gets its answer
                        IdempotencyFilter.LOG.warn("could not record an answer for its Idempotency-Key: {}", e.toString());
                    } finally {
                        target.close();
                    }
                }

                @Override
                public boolean isReady() {
                    return target.isReady();
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    target.setWriteListener(listener);
                }
            };
        }
        return stream;
    }
}
