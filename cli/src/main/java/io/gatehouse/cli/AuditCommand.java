package io.gatehouse.cli;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.MalformedRecordException;
import io.gatehouse.audit.bundle.Bundle;
import io.gatehouse.audit.bundle.BundleCodec;
import io.gatehouse.audit.bundle.BundleReport;
import io.gatehouse.audit.bundle.BundleVerifier;
import io.gatehouse.audit.note.NoteVerifier;
import io.gatehouse.gateway.DataDirectory;
import io.gatehouse.gateway.recorder.StoreVerifier;
import io.gatehouse.gateway.security.SigningKeyFile;
import io.gatehouse.store.Store;
import io.gatehouse.store.StoreSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "audit",
        description = "Check the tamper-evident log: verify the store or an exported bundle, print the key, export.",
        subcommands = {AuditCommand.Key.class, AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand {

    /** Verifier keys name their log: the key for log O is "O+hash+key". */
    static String keyName(String verifierKey) {
        int plus = verifierKey.indexOf('+');
        return plus < 0 ? verifierKey : verifierKey.substring(0, plus);
    }

    static String readKey(String key, Path keyFile) {
        if (key != null) {
            return key.strip();
        }
        try {
            return Files.readString(keyFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new CliException("cannot read key file " + keyFile + ": " + e.getMessage());
        }
    }

    static NoteVerifier parseKey(String key) {
        try {
            return NoteVerifier.parse(key);
        } catch (IllegalArgumentException e) {
            throw new CliException("not a verifier key: " + e.getMessage()
                    + " (expected NAME+HASH+BASE64, as `gatehouse audit key` prints)");
        }
    }

    @Command(
            name = "key",
            description = {
                "Print the log's public verifier key (signed-note form).",
                "Anyone holding it can verify exported sessions offline. Keep a copy outside the gateway's reach."
            })
    static final class Key implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--data",
                paramLabel = "DIR",
                description = "read it from a local data directory instead of asking the gateway")
        Path data;

        @Option(names = "--url", paramLabel = "URL", description = "gateway API URL (env GATEHOUSE_URL)")
        String url;

        @Option(names = "--ca", paramLabel = "FILE", description = "gateway CA certificate (env GATEHOUSE_CA)")
        String ca;

        @Override
        public Integer call() {
            String key;
            if (data != null) {
                key = localKey(data).verifierKey();
            } else {
                key = new String(
                                ApiClient.create(url, ca, CliEnvironment.get(), false)
                                        .getBytes("/api/v1/audit/key"),
                                StandardCharsets.UTF_8)
                        .strip();
            }
            spec.commandLine().getOut().println(key);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** The verifier of the log a local data directory's gateway writes. */
    static NoteVerifier localKey(Path data) {
        Path pub = data.resolve("signing.pub");
        if (!Files.isReadable(pub)) {
            throw new CliException("no signing key at " + pub + "; is " + data + " a gateway data directory?");
        }
        String instance = new DataDirectory(data.toAbsolutePath())
                .existingInstance()
                .orElseThrow(() -> new CliException(
                        "no instance name in " + data.resolve("instance") + "; pass the log's key with --key"));
        return NoteVerifier.of("gatehouse/" + instance, SigningKeyFile.readPublic(pub));
    }

    @Command(
            name = "verify",
            description = {
                "Recompute the whole log from the store and check every checkpoint's signature, root and consistency;",
                "or, with --bundle, check an exported session offline with nothing but the public key.",
                "Exit 0 with a one-line summary, or 1 naming the first damaged event or checkpoint."
            })
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--bundle", paramLabel = "FILE", description = "an exported session bundle to verify offline")
        Path bundle;

        @Option(names = "--key", paramLabel = "KEY", description = "trusted verifier key (from `gatehouse audit key`)")
        String key;

        @Option(names = "--key-file", paramLabel = "FILE", description = "file holding the trusted verifier key")
        Path keyFile;

        @Option(
                names = "--data",
                paramLabel = "DIR",
                defaultValue = "gatehouse-data",
                description = "data directory of the embedded store (default ${DEFAULT-VALUE})")
        Path data;

        @Option(
                names = "--store-url",
                paramLabel = "JDBC-URL",
                description =
                        "a shared PostgreSQL store instead (user/password: GATEHOUSE_STORE_USERNAME / GATEHOUSE_STORE_PASSWORD)")
        String storeUrl;

        @Option(
                names = "--origin",
                paramLabel = "ORIGIN",
                description = "verify only this log (default: every log in the store that a key is given for)")
        String origin;

        @Option(names = "--events", description = "with --bundle: also print each verified event, one line each")
        boolean events;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (bundle != null) {
                return verifyBundle(out);
            }
            return verifyStore(out);
        }

        private int verifyBundle(PrintWriter out) {
            if (key == null && keyFile == null) {
                throw new CliException("--bundle needs the trusted key: --key KEY or --key-file FILE");
            }
            NoteVerifier verifier = parseKey(readKey(key, keyFile));
            Bundle parsed;
            try {
                parsed = BundleCodec.read(Files.readAllBytes(bundle));
            } catch (IOException e) {
                throw new CliException("cannot read " + bundle + ": " + e.getMessage());
            } catch (MalformedRecordException e) {
                out.println("DAMAGED: " + bundle + " is not a well-formed bundle: " + e.getMessage());
                out.flush();
                return 1;
            }
            BundleReport report = BundleVerifier.verify(parsed, verifier);
            if (report.checkpointDamage().isPresent()) {
                out.println("DAMAGED: " + bundle + ": "
                        + report.checkpointDamage().get().message() + " ["
                        + report.checkpointDamage().get().kind() + "]");
                out.flush();
                return 1;
            }
            List<String> bad = new ArrayList<>();
            String session = null;
            for (BundleReport.EntryResult entry : report.entries()) {
                switch (entry) {
                    case BundleReport.EntryResult.Verified v -> {
                        Event e = v.event();
                        session = session == null ? e.session() : session;
                        if (events) {
                            out.println(EventLine.of(v.index(), e));
                        }
                    }
                    case BundleReport.EntryResult.Rejected r ->
                        bad.add("event " + r.index() + ": " + r.damage().message() + " ["
                                + r.damage().kind() + "]");
                }
            }
            if (!bad.isEmpty()) {
                out.println("DAMAGED: " + bundle + ": " + bad.size() + " of "
                        + report.entries().size() + " events fail verification; first: " + bad.get(0));
                out.flush();
                return 1;
            }
            out.printf(
                    "ok: %s: %d events%s proven included in log '%s' at size %d, checkpoint signed by %s%n",
                    bundle,
                    report.entries().size(),
                    session == null ? "" : " of session " + session,
                    report.checkpoint().orElseThrow().origin(),
                    report.checkpoint().orElseThrow().size(),
                    keyName(verifier.verifierKey()));
            out.flush();
            return 0;
        }

        private int verifyStore(PrintWriter out) {
            List<NoteVerifier> keys = new ArrayList<>();
            if (key != null || keyFile != null) {
                keys.add(parseKey(readKey(key, keyFile)));
            } else if (storeUrl == null) {
                keys.add(localKey(data));
            } else {
                throw new CliException("--store-url needs the trusted key of the log to verify: --key or --key-file");
            }
            StoreSettings settings = storeUrl != null
                    ? new StoreSettings(
                            storeUrl,
                            CliEnvironment.get("GATEHOUSE_STORE_USERNAME"),
                            CliEnvironment.get("GATEHOUSE_STORE_PASSWORD"),
                            2)
                    : StoreSettings.sqlite(existingSqlite(data));
            int status = 0;
            try (Store store = Store.open(settings)) {
                List<String> origins =
                        origin != null ? List.of(origin) : store.log().origins();
                int verified = 0;
                for (String o : origins) {
                    Optional<NoteVerifier> verifier =
                            keys.stream().filter(k -> k.keyName().equals(o)).findFirst();
                    if (verifier.isEmpty()) {
                        if (origin != null) {
                            throw new CliException(
                                    "no key given for log '" + o + "'; pass --key with its verifier key");
                        }
                        out.println("skipped: log '" + o + "' (no key given for it)");
                        continue;
                    }
                    StoreVerifier.Result result = StoreVerifier.verify(store.log(), o, verifier.get());
                    out.println(result.summary());
                    verified++;
                    if (!result.ok()) {
                        status = 1;
                    }
                }
                if (verified == 0) {
                    throw new CliException(
                            "no log was verified: the store holds " + origins + " and the key given is for '"
                                    + keyName(keys.get(0).verifierKey()) + "'");
                }
            }
            out.flush();
            return status;
        }

        private static Path existingSqlite(Path data) {
            Path db = data.resolve("gatehouse.db");
            if (!Files.exists(db)) {
                throw new CliException("no store at " + db + "; pass --data DIR or --store-url URL");
            }
            return db;
        }
    }

    @Command(
            name = "export",
            description = {
                "Write a session's self-contained bundle: its events, their inclusion proofs and the signed checkpoint",
                "they prove against. Check it anywhere with `gatehouse audit verify --bundle FILE --key KEY`."
            })
    static final class Export implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--session", required = true, paramLabel = "ID")
        String session;

        @Option(
                names = {"-o", "--output"},
                required = true,
                paramLabel = "FILE")
        Path output;

        @Override
        public Integer call() throws InterruptedException {
            ApiClient api = client.client();
            byte[] bundle = null;
            for (int attempt = 0; bundle == null; attempt++) {
                try {
                    bundle = api.getBytes("/api/v1/sessions/" + session + "/export");
                } catch (CliException e) {
                    // the newest events may not be under a signed checkpoint yet; one is signed every second
                    if (attempt >= 10 || !e.getMessage().contains("not yet covered")) {
                        throw e;
                    }
                    Thread.sleep(500);
                }
            }
            try {
                Files.write(output, bundle);
            } catch (IOException e) {
                throw new CliException("cannot write " + output + ": " + e.getMessage());
            }
            client.out().printf("wrote session %s to %s (%d bytes)%n", session, output, bundle.length);
            client.out().flush();
            return 0;
        }
    }
}
