package io.gatehouse.wire.pg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/** Test support: loads golden captures and replays them through the decoders in chunks. */
final class Conversation {
    /** How a byte stream is cut before it is fed. */
    enum Chunking {
        WHOLE,
        ONE_BYTE,
        RANDOM_SEEDED
    }

    record Replay<M>(List<Decoded<M>> items, byte[] reencoded) {
        List<M> messages() {
            return items.stream()
                    .<M>mapMulti((item, sink) -> {
                        if (item instanceof Decoded.Message<M>(M message)) {
                            sink.accept(message);
                        }
                    })
                    .toList();
        }
    }

    private Conversation() {}

    static byte[] golden(String name) {
        try (InputStream in = Conversation.class.getResourceAsStream("golden/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden capture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<byte[]> cut(byte[] bytes, Chunking chunking, long seed) {
        List<byte[]> chunks = new ArrayList<>();
        Random random = new Random(seed);
        int offset = 0;
        while (offset < bytes.length) {
            int size =
                    switch (chunking) {
                        case WHOLE -> bytes.length;
                        case ONE_BYTE -> 1;
                        case RANDOM_SEEDED -> 1 + random.nextInt(Math.min(64, bytes.length - offset));
                    };
            size = Math.min(size, bytes.length - offset);
            chunks.add(Arrays.copyOfRange(bytes, offset, offset + size));
            offset += size;
        }
        return chunks;
    }

    static Replay<BackendMessage> backend(byte[] bytes, Chunking chunking, DecoderLimits limits) {
        BackendDecoder decoder = new BackendDecoder(limits);
        List<Decoded<BackendMessage>> items = new ArrayList<>();
        for (byte[] chunk : cut(bytes, chunking, 42)) {
            DecodeResult<BackendMessage> result = decoder.feed(chunk);
            result.violation().ifPresent(v -> {
                throw new AssertionError(v.toString());
            });
            items.addAll(result.items());
        }
        return new Replay<>(items, reencode(items));
    }

    /**
     * Splits a client stream into its startup packet and the tagged messages after it, and
     * decodes them; before each 'p' the phase follows the next authentication request in {@code
     * backend}, as a proxy would. Each message is fed with the given chunking.
     */
    static Replay<Object> frontend(
            byte[] bytes, List<BackendMessage> backend, Chunking chunking, DecoderLimits limits) {
        StartupDecoder startup = new StartupDecoder();
        ByteBuffer input = ByteBuffer.wrap(bytes);
        List<Decoded<Object>> items = new ArrayList<>();
        while (!startup.done()) {
            int packetLength = input.getInt(input.position());
            for (byte[] chunk :
                    cut(Arrays.copyOfRange(bytes, input.position(), input.position() + packetLength), chunking, 7)) {
                DecodeResult<StartupPacket> result = startup.feed(chunk);
                result.violation().ifPresent(v -> {
                    throw new AssertionError(v.toString());
                });
                result.items().forEach(item -> items.add(upcast(item)));
            }
            input.position(input.position() + packetLength);
        }
        Iterator<FrontendPhase> phases = backend.stream()
                .filter(m -> m instanceof AuthenticationSASL
                        || m instanceof AuthenticationSASLContinue
                        || m instanceof AuthenticationCleartextPassword
                        || m instanceof AuthenticationMD5Password)
                .map(FrontendPhase.NORMAL::after)
                .iterator();
        FrontendDecoder decoder = new FrontendDecoder(limits, FrontendPhase.NORMAL);
        while (input.hasRemaining()) {
            int length = input.getInt(input.position() + 1);
            boolean authentication = input.get(input.position()) == 'p';
            if (authentication) {
                decoder.phase(phases.next());
            }
            int end = (int) Math.min((long) input.position() + 1 + length, bytes.length);
            for (byte[] chunk : cut(Arrays.copyOfRange(bytes, input.position(), end), chunking, 11)) {
                DecodeResult<FrontendMessage> result = decoder.feed(chunk);
                result.violation().ifPresent(v -> {
                    throw new AssertionError(v.toString());
                });
                result.items().forEach(item -> items.add(upcast(item)));
            }
            input.position(end);
            if (authentication) {
                decoder.phase(FrontendPhase.NORMAL);
            }
        }
        return new Replay<>(items, reencode(items));
    }

    @SuppressWarnings("unchecked")
    private static Decoded<Object> upcast(Decoded<?> item) {
        return (Decoded<Object>) item;
    }

    static <M> byte[] reencode(List<Decoded<M>> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        items.forEach(item -> out.writeBytes(PgEncoder.encode(item)));
        return out.toByteArray();
    }
}
