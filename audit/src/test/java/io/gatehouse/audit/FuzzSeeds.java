package io.gatehouse.audit;

import io.gatehouse.audit.bundle.BundleBuilder;
import io.gatehouse.audit.bundle.BundleCodec;
import io.gatehouse.audit.note.Checkpoint;
import io.gatehouse.audit.note.FixedKeys;
import io.gatehouse.audit.note.NoteSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Writes the committed seed corpora of the fuzz tests from the test helpers. Not a test: run it by hand from the
 * {@code audit} directory after changing the formats (FUZZING.md), then commit the files.
 */
public final class FuzzSeeds {
    private static final Path RESOURCES = Path.of("src/test/resources/io/gatehouse/audit");

    private FuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path events = RESOURCES.resolve("EventCodecFuzzTestInputs/decode");
        List<Event> edges = Events.edgeEvents();
        write(events, "smallest", EventCodec.encode(edges.get(0)));
        write(events, "empties-and-extremes", EventCodec.encode(edges.get(1)));
        write(events, "unicode-keys", EventCodec.encode(edges.get(2)));
        write(events, "max-depth", EventCodec.encode(edges.get(3)));
        write(events, "sample", EventCodec.encode(EventCodecTest.sample()));
        Random random = new Random(0x5EED_F022L);
        for (int i = 0; i < 3; i++) {
            write(events, "random-" + i, EventCodec.encode(Events.sequencedEvent(random)));
        }
        write(events, "empty", new byte[0]);

        String origin = "gw1.example/log";
        NoteSigner bundleKey = FixedKeys.signer(origin, 1);
        TestLog log = TestLog.of(origin, bundleKey, 13, 13);
        Path bundles = RESOURCES.resolve("bundle/BundleCodecFuzzTestInputs/read");
        BundleBuilder three = new BundleBuilder(origin, log.notes.get(0), 13, log);
        for (int i : new int[] {0, 5, 12}) {
            three.add(i, log.rows.get(i).entry());
        }
        write(bundles, "three-entries", BundleCodec.write(three.build()));
        write(
                bundles,
                "one-entry",
                BundleCodec.write(new BundleBuilder(origin, log.notes.get(0), 13, log)
                        .add(7, log.rows.get(7).entry())
                        .build()));
        write(bundles, "no-entries", BundleCodec.write(new BundleBuilder(origin, log.notes.get(0), 13, log).build()));
        write(bundles, "empty-object", "{}".getBytes(StandardCharsets.UTF_8));

        String noteOrigin = "gh.example/log";
        NoteSigner noteKey = FixedKeys.signer(noteOrigin, 2);
        Path notes = RESOURCES.resolve("note/NoteVerifierFuzzTestInputs/verify");
        byte[] root = io.gatehouse.audit.merkle.Rfc6962.leafHash(new byte[] {1});
        String checkpoint = noteKey.sign(new Checkpoint(noteOrigin, 7, root));
        write(notes, "checkpoint", utf8(checkpoint));
        write(
                notes,
                "empty-tree",
                utf8(noteKey.sign(new Checkpoint(noteOrigin, 0, io.gatehouse.audit.merkle.Rfc6962.emptyRoot()))));
        NoteSigner witness = FixedKeys.signer("witness.example", 3);
        String cosigned = checkpoint
                + witness.sign(new Checkpoint(noteOrigin, 7, root))
                        .substring(new Checkpoint(noteOrigin, 7, root).body().length() + 1);
        write(notes, "cosigned", utf8(cosigned));
        write(notes, "not-a-checkpoint", utf8(FixedKeys.signText(noteKey, "hello\n")));
        // A leading 0x00 selects raw UTF-16: this is the checkpoint with an unpaired surrogate in the origin.
        String surrogate = checkpoint.replaceFirst("gh", "\uD800h");
        byte[] utf16 = new byte[1 + 2 * surrogate.length()];
        for (int i = 0; i < surrogate.length(); i++) {
            utf16[1 + 2 * i] = (byte) (surrogate.charAt(i) >>> 8);
            utf16[2 + 2 * i] = (byte) surrogate.charAt(i);
        }
        write(notes, "utf16-unpaired-surrogate", utf16);
        write(notes, "blank-line-only", utf8("\n\n"));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
    }
}
