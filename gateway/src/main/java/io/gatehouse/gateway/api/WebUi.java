package io.gatehouse.gateway.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web UI: a few static files (plain HTML, CSS and JavaScript, no build step) under {@code /ui/}, which
 * read the record through the same REST API as the CLI, authenticated by the sign-in cookie. The files
 * are read once at start. Every page forbids inline scripts, foreign origins and framing (CSP), so data
 * shown from the record (SQL text, parameters) can never run as code even if it looks like HTML; the
 * scripts also only ever insert it as text.
 */
final class WebUi {
    private static final String BASE = "/io/gatehouse/gateway/web/";
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private record Asset(byte[] bytes, String type) {}

    private final Map<String, Asset> assets = Map.of(
            "index.html", new Asset(read("index.html"), "text/html; charset=utf-8"),
            "app.js", new Asset(read("app.js"), "text/javascript; charset=utf-8"),
            "app.css", new Asset(read("app.css"), "text/css; charset=utf-8"));

    void register(HttpRouting.Builder r) {
        r.get("/", (req, res) -> redirect(res));
        r.get("/ui", (req, res) -> redirect(res));
        r.get("/ui/", (req, res) -> send(res, assets.get("index.html")));
        r.get("/ui/{file}", (req, res) -> {
            Asset asset = assets.get(req.path().pathParameters().get("file"));
            if (asset == null) {
                Problems.send(
                        res,
                        Status.NOT_FOUND_404,
                        "Not found",
                        "no such page: " + req.path().path());
                return;
            }
            send(res, asset);
        });
    }

    private static void redirect(ServerResponse res) {
        res.status(Status.FOUND_302).header(HeaderNames.LOCATION, "/ui/").send();
    }

    private static void send(ServerResponse res, Asset asset) {
        res.header(HeaderNames.CONTENT_TYPE, asset.type());
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.create("Content-Security-Policy"), CSP);
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        res.send(asset.bytes());
    }

    private static byte[] read(String name) {
        try (InputStream in = WebUi.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("missing web UI resource " + BASE + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
