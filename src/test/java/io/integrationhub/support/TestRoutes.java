package io.integrationhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.stream.Stream;

/** A private copy of the project's routes/ per test JVM, so tests may edit route files without touching the repo. */
public final class TestRoutes {

    private static Path directory;

    private TestRoutes() {}

    public static synchronized Path directory() {
        if (directory == null) {
            directory = copy(Path.of("routes"), Path.of("target", "test-routes-" + UUID.randomUUID()));
        }
        return directory;
    }

    public static Path copy(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return to.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
