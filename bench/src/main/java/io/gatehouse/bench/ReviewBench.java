package io.gatehouse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.gateway.Gateway;
import io.gatehouse.gateway.config.ConfigKey;
import io.gatehouse.gateway.config.ConfigLoader;
import io.gatehouse.gateway.recorder.LogWriter;
import io.gatehouse.gateway.security.ClientTls;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reading the record back at scale (issue "Read the record back", Scale): a gateway on the embedded SQLite
 * store is filled through its own recorder with {@code --sessions} sessions of 10 events each (start, four
 * commands with their results, end; 1,000,000 events for the default 100,000 sessions) spread over the last
 * 7 days, 200 identities and 20 connections, while the asynchronous sessions indexer runs. Then the review
 * queries are timed through the HTTPS API, as the CLI and the web UI send them: the sessions list with
 * filters and the first page of a connection's timeline. Target: each answers in 100 ms or less.
 *
 * <p>Usage: {@code bench/review.sh [--sessions N] [--producers P] [--repeat R]}
 */
public final class ReviewBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS_PER_SESSION = 10;
    private static final Duration SPREAD = Duration.ofDays(7);

    private ReviewBench() {}

    public static void main(String[] args) throws Exception {
        int sessions = 100_000;
        int producers = 64;
        int repeat = 50;
        int serveSeconds = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sessions" -> sessions = Integer.parseInt(args[++i]);
                case "--producers" -> producers = Integer.parseInt(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--serve-seconds" -> serveSeconds = Integer.parseInt(args[++i]);
                default ->
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + "; expected --sessions N, --producers P, --repeat R, --serve-seconds S");
            }
        }
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "gatehouse-review");
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        flags.put(ConfigKey.DATA, work.toString());
        flags.put(ConfigKey.API_PORT, "0");
        flags.put(ConfigKey.PG_PORT, "0");
        String[] admin = new String[1];
        Instant now = Instant.now();
        try (Gateway gateway = Gateway.start(
                new ConfigLoader(Map.of()).load(null, flags),
                Clock.systemUTC(),
                first -> admin[0] = first.adminToken())) {
            fill(gateway, sessions, producers, now);
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(ClientTls.trusting(work.resolve("tls").resolve("ca.crt")))
                    .build();
            String base = "https://127.0.0.1:" + gateway.apiPort();
            String hourAgo = URLEncoder.encode(now.minus(Duration.ofHours(1)).toString(), StandardCharsets.UTF_8);
            Map<String, String> queries = new LinkedHashMap<>();
            queries.put(
                    "sessions list --connection pg-prod --since 1h",
                    "/api/v1/sessions?connection=pg-prod&since=" + hourAgo);
            queries.put("sessions list --since 1h", "/api/v1/sessions?since=" + hourAgo);
            queries.put("sessions list --identity agent-007", "/api/v1/sessions?identity=agent-007");
            queries.put("sessions list --status open", "/api/v1/sessions?status=open");
            queries.put("sessions list (no filter)", "/api/v1/sessions");
            queries.put(
                    "timeline --connection pg-prod --since 1h", "/api/v1/timeline?connection=pg-prod&since=" + hourAgo);
            queries.put("timeline --connection pg-prod (all 7 days)", "/api/v1/timeline?connection=pg-prod");
            queries.put("sessions list --search invoice_77 (4,000 cmds)", "/api/v1/sessions?q=invoice_77");
            queries.put("sessions list --search SELECT (every cmd)", "/api/v1/sessions?q=SELECT");
            queries.put("sessions list --search ledger_audit (100 cmds)", "/api/v1/sessions?q=ledger_audit");
            queries.put("sessions list --search no_such_table (none)", "/api/v1/sessions?q=no_such_table");
            System.out.printf(
                    Locale.ROOT,
                    "%-45s %6s %9s %9s %9s%n",
                    "query (API, first page of 50)",
                    "items",
                    "p50 ms",
                    "p95 ms",
                    "max ms");
            for (Map.Entry<String, String> q : queries.entrySet()) {
                time(http, base + q.getValue(), admin[0], q.getKey(), repeat);
            }
            if (serveSeconds > 0) { // to look at the filled gateway with the CLI or a browser
                System.out.printf(
                        "serving %s for %d s; admin token in %s%n",
                        base, serveSeconds, work.resolve("initial-admin-token"));
                Thread.sleep(serveSeconds * 1000L);
            }
        } finally {
            PgBench.deleteRecursively(work); // the filled store is ~600 MB
        }
    }

    /** Writes the sessions through the gateway's recorder, then waits for the sessions index to catch up. */
    private static void fill(Gateway gateway, int sessions, int producers, Instant now) throws Exception {
        LogWriter writer = gateway.writer();
        long startSize = writer.head().size();
        AtomicLong next = new AtomicLong();
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (long k = next.getAndIncrement(); k < sessions; k = next.getAndIncrement()) {
                    for (Event e : session(k, sessions, now)) {
                        writer.append(e).join();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double written = (System.nanoTime() - t0) / 1e9;
        long events = writer.head().size() - startSize;
        long indexedWhileWriting = gateway.store().sessionIndexer().indexedUpTo(writer.origin());
        System.out.printf(
                Locale.ROOT,
                "wrote %,d events in %,d sessions through the recorder in %.1f s (%.0f durable events/s, %d producers, indexer running); indexed by then: %,d%n",
                events,
                sessions,
                written,
                events / written,
                producers,
                indexedWhileWriting);
        long t1 = System.nanoTime();
        long size = writer.head().size();
        while (gateway.store().sessionIndexer().indexedUpTo(writer.origin()) < size) {
            Thread.sleep(50);
        }
        double total = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "sessions index caught up %.1f s after the last write (%.0f events/s indexed over the whole run)%n",
                (System.nanoTime() - t1) / 1e9,
                size / total);
    }

    /**
     * Session {@code k}'s 10 events: sessions start evenly over the last 7 days, each lasts a few seconds; one
     * in ten commands fails; one session in a thousand is still open (no end).
     */
    static List<Event> session(long k, int sessions, Instant now) {
        long start = micros(now.minus(SPREAD)) + (SPREAD.toNanos() / 1000 / sessions) * k;
        String id = String.format(Locale.ROOT, "s%015x", k);
        String identity = String.format(Locale.ROOT, "agent-%03d", k % 200);
        String connection = k % 20 == 0 ? "pg-prod" : String.format(Locale.ROOT, "pg-%02d", k % 20);
        List<Event> out = new ArrayList<>(EVENTS_PER_SESSION);
        out.add(event(EventKind.SESSION_START, id, identity, connection, start)
                .field("protocol", Value.of("postgres"))
                .field("source", Value.of("10.0." + (k % 250) + ".7:5" + (k % 9999)))
                .field("application_name", Value.of("agent-runner"))
                .field("token", Value.of("gh_" + identity))
                .field("database", Value.of("app"))
                .build());
        for (int c = 1; c <= 4; c++) {
            long t = start + c * 500_000L;
            out.add(event(EventKind.COMMAND, id, identity, connection, t)
                    .field("command", Value.of((long) c))
                    .field("protocol", Value.of("extended"))
                    .field(
                            "sql",
                            Value.of("SELECT id, customer, total FROM " + table(k, c) + " WHERE customer = $1"
                                    + " AND created_at > $2 ORDER BY created_at DESC LIMIT 50"))
                    .field("parameters", Value.of(List.of(Value.of("c-" + k), Value.of("2026-11-01"))))
                    .field("database", Value.of("app"))
                    .build());
            boolean failed = (k + c) % 10 == 0;
            Event.Builder result = event(EventKind.COMMAND_RESULT, id, identity, connection, t + 1200)
                    .field("command", Value.of((long) c))
                    .field("status", Value.of(failed ? "error" : "ok"))
                    .field("duration_micros", Value.of(1200L));
            if (failed) {
                result.field("sqlstate", Value.of("42501")).field("error", Value.of("permission denied for table"));
            } else {
                result.field("tag", Value.of("SELECT 50")).field("rows", Value.of(50L));
            }
            out.add(result.build());
        }
        if (k % 1000 != 999) {
            out.add(event(EventKind.SESSION_END, id, identity, connection, start + 3_000_000L)
                    .field("reason", Value.of("client closed"))
                    .field("commands", Value.of(4L))
                    .build());
        } else {
            out.add(event(EventKind.OUTPUT, id, identity, connection, start + 3_000_000L)
                    .field("note", Value.of("still running"))
                    .build());
        }
        return out;
    }

    /** The table a command reads: invoice_0..99 by session; one session in 1,000 reads ledger_audit once (rare). */
    private static String table(long k, int c) {
        return k % 1000 == 500 && c == 2 ? "ledger_audit" : "invoice_" + (k % 100);
    }

    private static Event.Builder event(EventKind kind, String session, String identity, String connection, long t) {
        return Event.builder(kind)
                .timeMicros(t)
                .session(session)
                .identity(identity)
                .connection(connection);
    }

    private static long micros(Instant at) {
        return at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
    }

    private static void time(HttpClient http, String url, String token, String label, int repeat) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .build();
        int items = 0;
        for (int i = 0; i < 5; i++) { // warm-up: JIT, statement caches, page cache
            items = items(http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
        }
        Latencies latencies = new Latencies();
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            latencies.add(System.nanoTime() - t0);
            if (response.statusCode() != 200) {
                throw new IllegalStateException(label + ": HTTP " + response.statusCode());
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%-45s %6d %9.1f %9.1f %9.1f%n",
                label,
                items,
                latencies.percentileMicros(50) / 1000,
                latencies.percentileMicros(95) / 1000,
                latencies.percentileMicros(100) / 1000);
    }

    private static int items(HttpResponse<byte[]> response) throws Exception {
        JsonNode body = JSON.readTree(response.body());
        JsonNode list = body.has("sessions") ? body.get("sessions") : body.get("commands");
        return list == null ? 0 : list.size();
    }
}
