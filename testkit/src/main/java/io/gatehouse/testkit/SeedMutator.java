package io.gatehouse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Seconds of fuzzing in the normal test suite (issue 7's short form of {@code bench/fuzz.sh}): mutates the
 * seed corpus of a Jazzer fuzz test with a fixed random seed and feeds every mutant to the same target. Not
 * coverage-guided like Jazzer (that is {@code bench/fuzz.sh}), but it reaches past the seeds on every build,
 * reproducibly: a failure names the random seed, the round and the input, and leaves the input in {@code
 * target/mutation-failures/} to add to the seeds.
 *
 * <p>Mutations, one to four per input, in the spirit of libFuzzer's: flip a bit, set a byte to a random or a
 * boundary value, write a boundary 32-bit length (0, 1, -1, 2^31-1, 2^16), delete, duplicate or insert a
 * range, truncate, or splice in part of another seed.
 */
public final class SeedMutator {
    private static final int[] BOUNDARY_LENGTHS = {0, 1, 3, 4, 5, -1, Integer.MAX_VALUE, 1 << 16, 1 << 30};
    private static final int[] BOUNDARY_BYTES = {0x00, 0x01, 0x7F, 0x80, 0xFF, 'Q', 'P', 'B', 'E', 'S', 'X'};

    private SeedMutator() {}

    /** The seed corpus in the test resources at {@code resource}, relative to {@code owner}'s package. */
    public static List<byte[]> seeds(Class<?> owner, String resource) {
        URL url = owner.getResource(resource);
        if (url == null) {
            throw new IllegalStateException("no seed corpus " + resource + " next to " + owner.getName());
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            List<byte[]> seeds = new ArrayList<>();
            for (Path file : files.sorted().toList()) {
                seeds.add(Files.readAllBytes(file));
            }
            if (seeds.isEmpty()) {
                throw new IllegalStateException("seed corpus " + resource + " is empty");
            }
            return seeds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Feeds {@code rounds} mutants of {@code seeds} to {@code target}; returns the number of inputs run. */
    public static long run(String name, List<byte[]> seeds, long randomSeed, int rounds, Consumer<byte[]> target) {
        Random random = new Random(randomSeed);
        for (int round = 0; round < rounds; round++) {
            byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), seeds, random);
            try {
                target.accept(input);
            } catch (RuntimeException | AssertionError e) {
                Path saved = save(name, round, input);
                throw new AssertionError(
                        name + ": mutant " + round + " of random seed " + randomSeed + " failed (input saved to "
                                + saved
                                + "): " + e + "\ninput: "
                                + HexFormat.of().formatHex(Arrays.copyOf(input, Math.min(input.length, 256))),
                        e);
            }
        }
        return rounds;
    }

    static byte[] mutate(byte[] seed, List<byte[]> seeds, Random random) {
        byte[] data = seed.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            data = once(data, seeds, random);
        }
        return data;
    }

    private static byte[] once(byte[] data, List<byte[]> seeds, Random random) {
        if (data.length == 0) {
            byte[] fresh = new byte[1 + random.nextInt(16)];
            random.nextBytes(fresh);
            return fresh;
        }
        int at = random.nextInt(data.length);
        switch (random.nextInt(9)) {
            case 0 -> data[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> data[at] = (byte) random.nextInt(256);
            case 2 -> data[at] = (byte) BOUNDARY_BYTES[random.nextInt(BOUNDARY_BYTES.length)];
            case 3 -> {
                if (data.length >= 4) {
                    int p = random.nextInt(data.length - 3);
                    int v = BOUNDARY_LENGTHS[random.nextInt(BOUNDARY_LENGTHS.length)];
                    data[p] = (byte) (v >>> 24);
                    data[p + 1] = (byte) (v >>> 16);
                    data[p + 2] = (byte) (v >>> 8);
                    data[p + 3] = (byte) v;
                }
            }
            case 4 -> { // delete a range
                int length = 1 + random.nextInt(Math.min(16, data.length - at));
                byte[] out = new byte[data.length - length];
                System.arraycopy(data, 0, out, 0, at);
                System.arraycopy(data, at + length, out, at, data.length - at - length);
                return out;
            }
            case 5 -> { // duplicate a range
                int length = 1 + random.nextInt(Math.min(32, data.length - at));
                return insert(data, at, Arrays.copyOfRange(data, at, at + length));
            }
            case 6 -> { // insert random bytes
                byte[] noise = new byte[1 + random.nextInt(8)];
                random.nextBytes(noise);
                return insert(data, at, noise);
            }
            case 7 -> {
                return Arrays.copyOf(data, at); // truncate
            }
            default -> { // splice in part of another seed
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                if (other.length > 0) {
                    int from = random.nextInt(other.length);
                    int length = 1 + random.nextInt(Math.min(64, other.length - from));
                    byte[] out = Arrays.copyOf(data, at + length);
                    System.arraycopy(other, from, out, at, length);
                    return out;
                }
            }
        }
        return data;
    }

    private static byte[] insert(byte[] data, int at, byte[] piece) {
        byte[] out = new byte[data.length + piece.length];
        System.arraycopy(data, 0, out, 0, at);
        System.arraycopy(piece, 0, out, at, piece.length);
        System.arraycopy(data, at, out, at + piece.length, data.length - at);
        return out;
    }

    private static Path save(String name, int round, byte[] input) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "mutation-failures"));
            return Files.write(dir.resolve(name + "-" + round + ".bin"), input);
        } catch (IOException e) {
            return Path.of("(not saved: " + e.getMessage() + ")");
        }
    }
}
