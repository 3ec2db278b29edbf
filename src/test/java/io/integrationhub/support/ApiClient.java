package io.integrationhub.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/** Plain HTTP calls to the hub under test with a bearer token and any headers (name, value, name, value ...). */
public final class ApiClient {

    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;

    public ApiClient(int port) {
        this.base = "http://localhost:" + port;
    }

    public HttpResponse<String> get(String path, String token, String... headers) throws IOException, InterruptedException {
        return client.send(request(path, token, headers).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String body, String token, String... headers)
            throws IOException, InterruptedException {
        return client.send(write("POST", path, body, token, headers), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(String method, String path, String body, String token, String... headers)
            throws IOException, InterruptedException {
        return client.send(write(method, path, body, token, headers), HttpResponse.BodyHandlers.ofString());
    }

    public CompletableFuture<HttpResponse<String>> sendAsyncGet(String path, String token, String... headers) {
        return client.sendAsync(request(path, token, headers).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public CompletableFuture<HttpResponse<String>> postAsync(String path, String body, String token, String... headers) {
        return client.sendAsync(write("POST", path, body, token, headers), HttpResponse.BodyHandlers.ofString());
    }

    public HttpRequest write(String method, String path, String body, String token, String... headers) {
        return request(path, token, headers).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private HttpRequest.Builder request(String path, String token, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null && !token.isEmpty()) {
            builder.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }
}
