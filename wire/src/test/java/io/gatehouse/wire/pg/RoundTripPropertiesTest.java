package io.gatehouse.wire.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * decode(encode(m)) == m for generated messages, fed in one piece and byte by byte. Each property runs on its edge
 * cases (every message shape built empty, at the maximum sizes with extreme numbers, and with non-ASCII text), then on
 * {@link #TRIES} seeded random messages; see {@link Cases}.
 */
class RoundTripPropertiesTest {
    private static final DecoderLimits LIMITS = new DecoderLimits(1 << 20, 1 << 19, 1 << 16);
    private static final int TRIES = 1000;
    private static final int MAX_TEXT = 40;
    private static final int MAX_BYTES = 40;
    private static final int MAX_AUTH_DATA = 255;

    // ---- properties ----

    @Test
    void frontendMessagesRoundTrip() {
        Cases.check(
                "frontend decode(encode(m)) == m",
                0x3E1E_0001L,
                TRIES,
                edges(FRONTEND_CONSTANTS, FRONTEND_SHAPES),
                random(FRONTEND_CONSTANTS, FRONTEND_SHAPES),
                message -> {
                    byte[] encoded = PgEncoder.encode(message);
                    assertThat(new FrontendDecoder(LIMITS, FrontendPhase.NORMAL)
                                    .feed(encoded)
                                    .messages())
                            .containsExactly(message);
                    FrontendDecoder bytewise = new FrontendDecoder(LIMITS, FrontendPhase.NORMAL);
                    List<FrontendMessage> decoded = new ArrayList<>();
                    for (byte b : encoded) {
                        decoded.addAll(bytewise.feed(new byte[] {b}).messages());
                    }
                    assertThat(decoded).containsExactly(message);
                });
    }

    @Test
    void backendMessagesRoundTrip() {
        Cases.check(
                "backend decode(encode(m)) == m and re-encodes byte for byte",
                0x3E1E_0002L,
                TRIES,
                edges(BACKEND_CONSTANTS, BACKEND_SHAPES),
                random(BACKEND_CONSTANTS, BACKEND_SHAPES),
                message -> {
                    byte[] encoded = PgEncoder.encode(message);
                    DecodeResult<BackendMessage> result = new BackendDecoder(LIMITS).feed(encoded);
                    assertThat(result.messages()).containsExactly(message);
                    assertThat(Conversation.reencode(result.items())).isEqualTo(encoded);
                });
    }

    /** A password and a blob of authentication data (0..255 bytes). */
    record Credentials(String password, Bytes data) {}

    private static Credentials credentials(Source s) {
        return new Credentials(s.text(), s.bytes(s.size(MAX_AUTH_DATA)));
    }

    @Test
    void authenticationMessagesRoundTripInTheirPhase() {
        Cases.check(
                "authentication messages decode(encode(m)) == m in their phase",
                0x3E1E_0003L,
                TRIES,
                Fixed.ALL.stream().map(f -> credentials(f.fresh())).toList(),
                random -> credentials(new RandomSource(random)),
                credentials -> {
                    List<FrontendMessage> messages = List.of(
                            new PasswordMessage(credentials.password()),
                            new SASLInitialResponse("SCRAM-SHA-256", credentials.data()),
                            new SASLInitialResponse("SCRAM-SHA-256", null),
                            new SASLResponse(credentials.data()),
                            new GSSResponse(credentials.data()));
                    List<FrontendPhase> phases = List.of(
                            FrontendPhase.PASSWORD,
                            FrontendPhase.SASL_INITIAL_RESPONSE,
                            FrontendPhase.SASL_INITIAL_RESPONSE,
                            FrontendPhase.SASL_RESPONSE,
                            FrontendPhase.GSS_RESPONSE);
                    for (int i = 0; i < messages.size(); i++) {
                        assertThat(new FrontendDecoder(LIMITS, phases.get(i))
                                        .feed(PgEncoder.encode(messages.get(i)))
                                        .messages())
                                .as("%s in phase %s", messages.get(i).getClass().getSimpleName(), phases.get(i))
                                .containsExactly(messages.get(i));
                    }
                });
    }

    @Test
    void startupPacketsRoundTrip() {
        Cases.check(
                "startup decode(encode(p)) == p",
                0x3E1E_0004L,
                TRIES,
                edges(STARTUP_CONSTANTS, STARTUP_SHAPES),
                random(STARTUP_CONSTANTS, STARTUP_SHAPES),
                packet -> assertThat(new StartupDecoder()
                                .feed(PgEncoder.encode(packet))
                                .messages())
                        .containsExactly(packet));
    }

    // ---- the messages: payload-free constants, and shapes built from a Source ----

    private static final List<FrontendMessage> FRONTEND_CONSTANTS =
            List.of(new Sync(), new Flush(), new CopyDone(), new Terminate());

    private static final List<Function<Source, FrontendMessage>> FRONTEND_SHAPES = List.of(
            s -> new Query(s.text()),
            s -> new Parse(s.text(), s.text(), list(s, 5, s::int32)),
            s -> new Bind(s.text(), s.text(), formats(s), list(s, 5, s::nullableBytes), formats(s)),
            s -> new Describe(s.pick(List.of('S', 'P')), s.text()),
            s -> new Execute(s.text(), s.int32()),
            s -> new Close(s.pick(List.of('S', 'P')), s.text()),
            s -> new CopyData(s.bytes()),
            s -> new CopyFail(s.text()),
            s -> new FunctionCall(s.int32(), formats(s), list(s, 3, s::nullableBytes), s.int16()),
            s -> new Unknown(s.pick(List.of('#', 'z', '!')), s.bytes()));

    private static final List<BackendMessage> BACKEND_CONSTANTS = List.of(
            new AuthenticationOk(),
            new AuthenticationCleartextPassword(),
            new EmptyQueryResponse(),
            new ParseComplete(),
            new BindComplete(),
            new CloseComplete(),
            new NoData(),
            new PortalSuspended(),
            new CopyDone());

    private static final List<Function<Source, BackendMessage>> BACKEND_SHAPES = List.of(
            s -> new AuthenticationMD5Password(s.bytes(4)),
            s -> new AuthenticationSASL(list(s, 3, () -> s.name(12))),
            s -> new AuthenticationSASLContinue(s.bytes()),
            s -> new AuthenticationSASLFinal(s.bytes()),
            s -> new AuthenticationOther(s.pick(List.of(2, 7, 8, 9, 13)), s.bytes()),
            s -> new ParameterStatus(s.text(), s.text()),
            s -> BackendKeyData.of(s.int32(), s.int32()),
            s -> new ReadyForQuery(s.pick(List.of('I', 'T', 'E'))),
            s -> new RowDescription(list(
                    s,
                    4,
                    () -> new RowDescription.Field(
                            s.text(), s.int32(), s.int16(), s.int32(), s.int16(), s.int32(), s.int16()))),
            s -> new ParameterDescription(list(s, 5, s::int32)),
            s -> new DataRow(list(s, 5, s::nullableBytes)),
            s -> new CommandComplete(s.text()),
            s -> ErrorResponse.of(s.text(), s.text(), s.text()),
            s -> NoticeResponse.of(s.text(), s.text(), s.text()),
            s -> new NotificationResponse(s.int32(), s.text(), s.text()),
            s -> new CopyInResponse(s.int8(), formats(s)),
            s -> new CopyOutResponse(s.int8(), formats(s)),
            s -> new CopyBothResponse(s.int8(), formats(s)),
            s -> new CopyData(s.bytes()),
            s -> new FunctionCallResponse(s.nullableBytes()),
            s -> new NegotiateProtocolVersion(s.int32(), list(s, 3, () -> s.name(12))),
            s -> new Unknown(s.pick(List.of('#', 'z', '!')), s.bytes()));

    private static final List<StartupPacket> STARTUP_CONSTANTS = List.of(new SSLRequest(), new GSSENCRequest());

    private static final List<Function<Source, StartupPacket>> STARTUP_SHAPES =
            List.of(s -> CancelRequest.of(s.int32(), s.int32()), s -> {
                Map<String, String> parameters = new LinkedHashMap<>();
                int size = s.size(5);
                for (int i = 0; i < size; i++) {
                    parameters.put(s.name(10), s.text());
                }
                return new StartupMessage(StartupPacket.PROTOCOL_3_0, parameters);
            });

    private static List<Short> formats(Source s) {
        return list(s, 4, s::format);
    }

    /** A list of {@code s.size(max)} elements; may hold nulls, which {@code List.of} would not. */
    private static <T> List<T> list(Source s, int max, Supplier<T> element) {
        int size = s.size(max);
        List<T> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(element.get());
        }
        return list;
    }

    /** Every constant, then every shape built from every fixed source. */
    private static <M> List<M> edges(List<? extends M> constants, List<Function<Source, M>> shapes) {
        List<M> edges = new ArrayList<>(constants);
        for (Function<Source, M> shape : shapes) {
            for (Fixed fixed : Fixed.ALL) {
                edges.add(shape.apply(fixed.fresh()));
            }
        }
        return edges;
    }

    /** One shape (or, as one more choice, a constant) picked uniformly, its parts drawn from {@code random}. */
    private static <M> Function<Random, M> random(List<? extends M> constants, List<Function<Source, M>> shapes) {
        return random -> {
            int choice = random.nextInt(shapes.size() + 1);
            return choice == shapes.size()
                    ? constants.get(random.nextInt(constants.size()))
                    : shapes.get(choice).apply(new RandomSource(random));
        };
    }

    // ---- sources of message parts ----

    /** Where a message's parts come from: seeded random draws, or one of the fixed edge shapes. */
    private interface Source {
        /** Up to {@link #MAX_TEXT} UTF-16 chars of well-formed text without NUL. */
        String text();

        /** Up to {@link #MAX_BYTES} bytes. */
        Bytes bytes();

        Bytes bytes(int length);

        /** {@link #bytes()}, or null (SQL NULL). */
        Bytes nullableBytes();

        int int32();

        short int16();

        byte int8();

        /** A format code, 0 (text) or 1 (binary). */
        short format();

        /** A collection size in {@code 0..max}. */
        int size(int max);

        /** 1..{@code maxLength} ASCII letters. */
        String name(int maxLength);

        <T> T pick(List<T> choices);
    }

    private record RandomSource(Random random) implements Source {
        private static final List<Integer> INT_EDGES = List.of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE);
        private static final List<Short> SHORT_EDGES =
                List.of((short) 0, (short) 1, (short) -1, Short.MIN_VALUE, Short.MAX_VALUE);
        private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

        @Override
        public String text() {
            int length = random.nextInt(MAX_TEXT + 1);
            StringBuilder text = new StringBuilder(length);
            while (text.length() < length) {
                int codePoint = codePoint();
                if (Character.charCount(codePoint) > length - text.length()) {
                    codePoint = 'x';
                }
                text.appendCodePoint(codePoint);
            }
            return text.toString();
        }

        /** Half printable ASCII, then controls, the rest of the BMP (no surrogates) and supplementary planes. */
        private int codePoint() {
            return switch (random.nextInt(10)) {
                case 0, 1, 2, 3, 4 -> 0x20 + random.nextInt(0x5f);
                case 5 -> 1 + random.nextInt(0x7f);
                case 6, 7 -> {
                    int c;
                    do {
                        c = 0x80 + random.nextInt(0x10000 - 0x80);
                    } while (Character.isSurrogate((char) c));
                    yield c;
                }
                default ->
                    Character.MIN_SUPPLEMENTARY_CODE_POINT
                            + random.nextInt(Character.MAX_CODE_POINT + 1 - Character.MIN_SUPPLEMENTARY_CODE_POINT);
            };
        }

        @Override
        public Bytes bytes() {
            return bytes(random.nextInt(MAX_BYTES + 1));
        }

        @Override
        public Bytes bytes(int length) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            return Bytes.of(bytes);
        }

        @Override
        public Bytes nullableBytes() {
            return random.nextInt(5) == 0 ? null : bytes();
        }

        @Override
        public int int32() {
            return random.nextInt(5) == 0 ? pick(INT_EDGES) : random.nextInt();
        }

        @Override
        public short int16() {
            return random.nextInt(5) == 0 ? pick(SHORT_EDGES) : (short) random.nextInt();
        }

        @Override
        public byte int8() {
            return (byte) random.nextInt();
        }

        @Override
        public short format() {
            return (short) random.nextInt(2);
        }

        @Override
        public int size(int max) {
            return random.nextInt(max + 1);
        }

        @Override
        public String name(int maxLength) {
            int length = 1 + random.nextInt(maxLength);
            StringBuilder name = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                name.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
            }
            return name.toString();
        }

        @Override
        public <T> T pick(List<T> choices) {
            return choices.get(random.nextInt(choices.size()));
        }
    }

    /**
     * The same part every time: empty or at the maximum sizes, one fill byte, one extreme number. Names are numbered
     * so that a map of them keeps its size; {@link #fresh()} restarts the numbering for the next message.
     */
    private static final class Fixed implements Source {
        static final List<Fixed> ALL = List.of(
                // everything empty, zero, non-null, the first choice
                new Fixed("", (byte) 0, false, false, 0, (short) 0, (short) 0, 0),
                // maximum sizes of empty texts and bytes: empty is not null
                new Fixed("", (byte) 0, true, false, -1, (short) -1, (short) 0, 1),
                // maximum sizes, ASCII controls and 0x7f, 0xff bytes, SQL NULLs, the largest numbers, the last choice
                new Fixed(
                        fill(0x01, 0x09, 0x0a, 0x1f, '\'', '"', '\\', ';', 0x7f),
                        (byte) 0xff,
                        true,
                        true,
                        Integer.MAX_VALUE,
                        Short.MAX_VALUE,
                        (short) 1,
                        -1),
                // maximum sizes of non-ASCII text (2-, 3- and 4-byte UTF-8, combining, U+FFFF), the smallest numbers
                new Fixed(
                        fill(0xe9, 0x4e2d, 0x1f600, 'e', 0x301, 0xfffd, 0xffff, 0x10ffff, 0x10000, 0x2028),
                        (byte) 0x80,
                        true,
                        false,
                        Integer.MIN_VALUE,
                        Short.MIN_VALUE,
                        (short) 1,
                        2));

        private final String text;
        private final byte fill;
        private final boolean maxSizes;
        private final boolean nulls;
        private final int int32;
        private final short int16;
        private final short format;
        private final int choice;
        private int names;

        private Fixed(
                String text,
                byte fill,
                boolean maxSizes,
                boolean nulls,
                int int32,
                short int16,
                short format,
                int choice) {
            this.text = text;
            this.fill = fill;
            this.maxSizes = maxSizes;
            this.nulls = nulls;
            this.int32 = int32;
            this.int16 = int16;
            this.format = format;
            this.choice = choice;
        }

        Fixed fresh() {
            return new Fixed(text, fill, maxSizes, nulls, int32, int16, format, choice);
        }

        /** {@link #MAX_TEXT} chars cycling through {@code codePoints}, never splitting a surrogate pair. */
        private static String fill(int... codePoints) {
            StringBuilder text = new StringBuilder(MAX_TEXT);
            for (int i = 0; text.length() < MAX_TEXT; i++) {
                int codePoint = codePoints[i % codePoints.length];
                text.appendCodePoint(Character.charCount(codePoint) > MAX_TEXT - text.length() ? 'x' : codePoint);
            }
            return text.toString();
        }

        @Override
        public String text() {
            return text;
        }

        @Override
        public Bytes bytes() {
            return bytes(maxSizes ? MAX_BYTES : 0);
        }

        @Override
        public Bytes bytes(int length) {
            byte[] bytes = new byte[length];
            Arrays.fill(bytes, fill);
            return Bytes.of(bytes);
        }

        @Override
        public Bytes nullableBytes() {
            return nulls ? null : bytes();
        }

        @Override
        public int int32() {
            return int32;
        }

        @Override
        public short int16() {
            return int16;
        }

        @Override
        public byte int8() {
            return fill;
        }

        @Override
        public short format() {
            return format;
        }

        @Override
        public int size(int max) {
            return maxSizes ? max : 0;
        }

        @Override
        public String name(int maxLength) {
            char first = (char) ('A' + names++ % 26);
            return maxSizes ? first + "n".repeat(maxLength - 1) : String.valueOf(first);
        }

        @Override
        public <T> T pick(List<T> choices) {
            return choices.get(Math.floorMod(choice, choices.size()));
        }
    }
}
