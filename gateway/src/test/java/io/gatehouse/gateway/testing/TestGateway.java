package io.gatehouse.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.gateway.Gateway;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.config.ConfigLoader;
import io.gatehouse.gateway.config.GatewayConfig;
import io.gatehouse.gateway.security.ClientTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** A real gateway on a free loopback port over a temporary data directory, plus a pinned HTTPS client. */
public final class TestGateway implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();

    private final Gateway gateway;
    private final String adminToken;
    private final HttpClient http;
    private final URI base;

    private TestGateway(Gateway gateway, String adminToken, HttpClient http) {
        this.gateway = gateway;
        this.adminToken = adminToken;
        this.http = http;
        this.base = URI.create("https://127.0.0.1:" + gateway.apiPort());
    }

    public static TestGateway start(Path data, Clock clock) {
        return start(data, clock, Map.of());
    }

    public static TestGateway start(Path data, Clock clock, Map<ConfigKey, String> extra) {
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        flags.put(ConfigKey.DATA, data.toString());
        flags.put(ConfigKey.API_PORT, "0");
        flags.put(ConfigKey.PG_PORT, "0");
        flags.put(ConfigKey.TUNNEL_PORT, "0");
        flags.put(ConfigKey.CHECKPOINT_INTERVAL, "100ms");
        flags.putAll(extra);
        GatewayConfig config = new ConfigLoader(Map.of()).load(null, flags);
        AtomicReference<String> token = new AtomicReference<>();
        Gateway gateway = Gateway.start(config, clock, first -> token.set(first.adminToken()));
        HttpClient http = HttpClient.newBuilder()
                .sslContext(ClientTls.trusting(data.resolve("tls").resolve("ca.crt")))
                .build();
        return new TestGateway(gateway, token.get(), http);
    }

    public Gateway gateway() {
        return gateway;
    }

    /**
     * Waits until the sessions index reflects every event the log holds now: the index is derived
     * asynchronously, so a test that wrote events and reads sessions back waits for it like a client would.
     */
    public void awaitIndexed() {
        long size = gateway.writer().head().size();
        String origin = gateway.writer().origin();
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .pollInterval(java.time.Duration.ofMillis(20))
                .until(() -> gateway.store().sessionIndexer().indexedUpTo(origin) >= size);
    }

    /** The token printed at first start; null when this start was not the first. */
    public String adminToken() {
        return adminToken;
    }

    public record Response(int status, JsonNode body, HttpResponse<byte[]> raw) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String text() {
            return new String(raw.body(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    public Response post(String path, String token, Object body) {
        try {
            byte[] bytes = body instanceof String s
                    ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : JSON.writeValueAsBytes(body);
            return send(request(path, token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request built by the caller (headers, cookies, method) to this gateway's API port. */
    public Response exchange(String path, java.util.function.UnaryOperator<HttpRequest.Builder> build) {
        return send(build.apply(HttpRequest.newBuilder(base.resolve(path))));
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private Response send(HttpRequest.Builder b) {
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = null;
            String type = r.headers().firstValue("content-type").orElse("");
            if (r.body().length > 0 && type.contains("json")) {
                body = JSON.readTree(r.body());
            }
            return new Response(r.statusCode(), body, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        gateway.close();
    }
}
