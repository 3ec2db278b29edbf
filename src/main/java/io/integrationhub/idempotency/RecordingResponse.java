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

/**
 * Passes an answer through to the client as it is written and keeps a copy of the body. When the writer closes
 * the body (Camel's platform-http does, on its own thread, and that close sends the answer), the {@link Recorder}
 * hears of it twice: {@code answering} just before the answer goes out, {@code answered} right after it has gone,
 * so the database write that records it is not part of the client's wait. {@link #finish()} covers answers whose
 * body is never closed (sendError, an empty body): the container sends those after the filter chain returns, so
 * both calls run then, before the answer. Each call runs at most once overall.
 */
final class RecordingResponse extends HttpServletResponseWrapper {

    /** Told about the answer around the moment it is sent. */
    interface Recorder {
        /** The answer is complete and about to be sent. */
        void answering(RecordingResponse answer);

        /** The answer has been handed to the client (or, from {@link #finish()}, is about to be). */
        void answered(RecordingResponse answer);
    }

    private final ByteArrayOutputStream copy = new ByteArrayOutputStream(256);
    private final Recorder recorder;
    private final AtomicBoolean finished = new AtomicBoolean();
    private ServletOutputStream stream;
    private PrintWriter writer;

    RecordingResponse(HttpServletResponse response, Recorder recorder) {
        super(response);
        this.recorder = recorder;
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
            safely(() -> recorder.answering(this));
            safely(() -> recorder.answered(this));
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

    /** Runs a recorder call; a failure leaves the key in progress (see IdempotencyStore), the answer still goes. */
    private static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            IdempotencyFilter.LOG.warn("could not record an answer for its Idempotency-Key: {}", e.toString());
        }
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
                    boolean first = finished.compareAndSet(false, true);
                    if (first) {
                        safely(() -> recorder.answering(RecordingResponse.this));
                    }
                    try {
                        target.close();   // sends the rest of the answer and ends it
                    } finally {
                        if (first) {
                            safely(() -> recorder.answered(RecordingResponse.this));
                        }
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
