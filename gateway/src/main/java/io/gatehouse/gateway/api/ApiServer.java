package io.gatehouse.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.audit.note.NoteVerifier;
import io.gatehouse.gateway.admin.AdminService;
import io.gatehouse.gateway.auth.Authenticator;
import io.gatehouse.gateway.recorder.LogWriter;
import io.gatehouse.gateway.tunnel.ConnectorRegistry;
import io.gatehouse.store.Store;
import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import javax.net.ssl.SSLContext;

/**
 * The HTTPS listener of the REST API ({@code /api/v1}), the web UI ({@code /ui/}) and the unauthenticated
 * public endpoints: {@code /healthz} and {@code /api/v1/openapi.json}.
 */
public final class ApiServer implements AutoCloseable {
    private static final long MAX_BODY = 1 << 20;

    private final WebServer server;

    private ApiServer(WebServer server) {
        this.server = server;
    }

    public static ApiServer start(
            String bind,
            int port,
            SSLContext tls,
            Store store,
            LogWriter writer,
            String verifierKey,
            AdminService admin,
            Authenticator authenticator,
            ConnectorRegistry connectors,
            Clock clock) {
        RequestContext context = new RequestContext(authenticator);
        byte[] openApi = resource("/io/gatehouse/gateway/api/openapi.json");
        GatewayMetrics metrics = new GatewayMetrics(writer, store);
        Integrity integrity = new Integrity(store.log(), NoteVerifier.parse(verifierKey));
        WebServer server = WebServer.builder()
                .host(bind)
                .port(port)
                .shutdownHook(false)
                .maxPayloadSize(MAX_BODY)
                // Without it a response larger than one segment waits for the client's delayed ACK (Nagle):
                // a page of 50 sessions took ~50 ms instead of a few.
                .connectionOptions(options -> options.tcpNoDelay(true))
                .tls(Tls.builder().sslContext(tls).build())
                .routing(r -> {
                    r.error(Throwable.class, Problems::handle);
                    r.get("/healthz", (req, res) -> {
                        // Loud on purpose: a down store or best-effort events waiting to be written make the
                        // gateway "degraded" (HTTP 503), so monitoring notices before records are at risk.
                        // "store" says whether it answers a read; "recorder" whether its last write committed: a
                        // full disk leaves SQLite readable ("up") while every write fails ("failing").
                        boolean up = store.healthy();
                        boolean failing = writer.failing();
                        int backlog = writer.backlog();
                        boolean healthy = up && !failing && backlog == 0;
                        ObjectNode n = Json.object();
                        n.put("status", healthy ? "ok" : "degraded");
                        n.put("store", up ? "up" : "down");
                        n.put("recorder", failing ? "failing" : "writing");
                        n.put("logSize", writer.head().size());
                        n.put("backlog", backlog);
                        n.put("failedBatches", writer.failedBatches());
                        n.put("refusedCommands", writer.refusedCommands());
                        res.status(healthy ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
                        AdminRoutes.ok(res, n);
                    });
                    r.get("/metrics", (req, res) -> {
                        res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                        res.send(metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    });
                    r.get("/api/v1/openapi.json", (req, res) -> {
                        res.header(HeaderNames.CONTENT_TYPE, "application/json");
                        res.send(openApi);
                    });
                    new AdminRoutes(admin, store, context, clock).register(r);
                    new ConnectorRoutes(admin, connectors, context).register(r);
                    new AuditRoutes(store.log(), writer, verifierKey, context).register(r);
                    new SessionRoutes(store.sessions(), store.log(), store.identities(), integrity, context)
                            .register(r);
                    new WebSignIn(context, admin).register(r);
                    new WebUi().register(r);
                    r.any((req, res) -> Problems.send(
                            res,
                            Status.NOT_FOUND_404,
                            "Not found",
                            "no such endpoint: " + req.prologue().method() + " "
                                    + req.path().path() + " (see /api/v1/openapi.json)"));
                })
                .build()
                .start();
        return new ApiServer(server);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }

    private static byte[] resource(String path) {
        try (InputStream in = ApiServer.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
