package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.gateway.security.ClientTls;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * The CLI's only way to the gateway: its REST API over TLS, pinned to the gateway's CA. Settings come from
 * flags, then {@code GATEHOUSE_URL}/{@code GATEHOUSE_CA}/{@code GATEHOUSE_TOKEN}, then the login profile,
 * then defaults ({@code https://127.0.0.1:8443} and {@code ./gatehouse-data/tls/ca.crt} when it exists).
 * Errors become one-line {@link CliException}s carrying the API's problem detail.
 */
final class ApiClient {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI base;
    private final String token;
    private final HttpClient http;

    private ApiClient(URI base, String token, HttpClient http) {
        this.base = base;
        this.token = token;
        this.http = http;
    }

    static ApiClient create(String urlFlag, String caFlag, Map<String, String> env, boolean needToken) {
        Profile profile = Profile.read(env).orElse(new Profile(null, null, null));
        String url = first(urlFlag, env.get("GATEHOUSE_URL"), profile.url(), Profile.DEFAULT_URL);
        String ca = first(caFlag, env.get("GATEHOUSE_CA"), profile.ca(), defaultCa());
        String token = first(env.get("GATEHOUSE_TOKEN"), profile.token());
        if (needToken && token == null) {
            throw new CliException("no token: set GATEHOUSE_TOKEN or run `gatehouse login` first");
        }
        return new ApiClient(
                URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url), token, httpClient(url, ca));
    }

    static HttpClient httpClient(String url, String ca) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (url.startsWith("https:")) {
            if (ca == null) {
                throw new CliException(
                        "no CA certificate to trust the gateway with: pass --ca FILE or set GATEHOUSE_CA "
                                + "(the gateway writes its dev CA to DATA/tls/ca.crt)");
            }
            Path caPath = Path.of(ca);
            if (!Files.isReadable(caPath)) {
                throw new CliException("CA certificate " + caPath + " does not exist or is not readable");
            }
            SSLContext context = ClientTls.trusting(caPath);
            builder.sslContext(context);
        }
        return builder.build();
    }

    private static String defaultCa() {
        Path local = Path.of("gatehouse-data", "tls", "ca.crt");
        return Files.isReadable(local) ? local.toString() : null;
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    JsonNode get(String path) {
        return json(send(request(path).GET()));
    }

    byte[] getBytes(String path) {
        return send(request(path).GET()).body();
    }

    JsonNode post(String path, Object body) {
        return json(send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body)))));
    }

    void delete(String path) {
        send(request(path).DELETE());
    }

    /** GETs a Server-Sent Events stream and hands each {@code data:} payload over until the stream ends. */
    void events(String path, Consumer<String> data) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Accept", "text/event-stream");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (ConnectException e) {
            throw new CliException("cannot reach the gateway at " + base + ": connection refused; is it running?");
        } catch (IOException e) {
            throw new CliException("request to " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() >= 400) {
                String body = String.join("\n", lines.toList());
                throw new CliException(problemDetail(response.statusCode(), body.getBytes(StandardCharsets.UTF_8)));
            }
            lines.filter(line -> line.startsWith("data:"))
                    .forEach(
                            line -> data.accept(line.substring("data:".length()).strip()));
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new CliException("cannot reach the gateway at " + base + ": connection refused; is it running?");
        } catch (SSLHandshakeException e) {
            throw new CliException("TLS handshake with " + base + " failed (" + e.getMessage()
                    + "); is --ca / GATEHOUSE_CA this gateway's CA certificate?");
        } catch (IOException e) {
            throw new CliException("request to " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        if (response.statusCode() >= 400) {
            throw new CliException(problemDetail(response.statusCode(), response.body()));
        }
        return response;
    }

    private static String problemDetail(int status, byte[] body) {
        try {
            JsonNode problem = MAPPER.readTree(body);
            if (problem != null && problem.hasNonNull("detail")) {
                return problem.get("detail").asText() + " (HTTP " + status + ")";
            }
        } catch (IOException e) {
            // not a problem document; fall through to the status line
        }
        return "the gateway answered HTTP " + status;
    }

    private static JsonNode json(HttpResponse<byte[]> response) {
        if (response.body().length == 0) {
            return MAPPER.nullNode();
        }
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new CliException("the gateway's answer is not JSON: " + e.getMessage());
        }
    }

    private static byte[] bytes(Object body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new CliException("cannot encode request: " + e.getMessage());
        }
    }
}
