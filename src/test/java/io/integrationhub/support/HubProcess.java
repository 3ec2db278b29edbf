package io.integrationhub.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole hub in a child JVM (same classpath as the tests): for what needs separate processes, such as two
 * replicas on one database. Its output goes to target/hub-process-NAME.log.
 */
public final class HubProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private HubProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts a hub on a free port with the dev and test profiles plus the given arguments, and waits until ready. */
    public static HubProcess start(String name, List<String> arguments, Duration timeout) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.io.tmpdir=" + Path.of("target").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"),
                "io.integrationhub.HubApplication",
                "--server.port=" + port,
                "--spring.profiles.active=dev,test",
                // replicas keep the same Camel context name: clustered Quartz jobs carry it to whichever replica fires
                "--hub.kafka.bootstrap-servers=" + TestKafka.bootstrapServers()));
        command.addAll(arguments);
        Path log = Path.of("target", "hub-process-" + name + ".log").toAbsolutePath();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HubProcess hub = new HubProcess(process, port, log);
        try {
            hub.awaitReady(timeout);
        } catch (Exception e) {
            hub.close();
            throw e;
        }
        return hub;
    }

    private void awaitReady(Duration timeout) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("hub process exited with " + process.exitValue() + ", see " + log);
            }
            try {
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.onSpinWait();
            process.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("hub process not ready within " + timeout + ", see " + log);
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** SIGKILL: no shutdown hook, no graceful stop, as when a machine dies. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
