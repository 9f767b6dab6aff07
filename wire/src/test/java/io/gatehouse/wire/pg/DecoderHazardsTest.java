package io.gatehouse.wire.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecoderHazardsTest {
    private static final DecoderLimits LIMITS = new DecoderLimits(1024, 64, 16);

    @Test
    void oversizedQueryIsRejectedFromItsHeaderAlone() {
        FrontendDecoder decoder = new FrontendDecoder(LIMITS, FrontendPhase.NORMAL);
        DecodeResult<FrontendMessage> result = decoder.feed(new byte[] {'Q', 0x40, 0, 0, 0});
        assertThat(result.violation()).hasValueSatisfying(v -> {
            assertThat(v.tag()).isEqualTo('Q');
            assertThat(v.length()).isEqualTo(0x40000000L);
            assertThat(v.message()).contains("1073741824").contains("1024");
        });
    }

    @Test
    void failedDecoderStaysFailedAndReadsNothingMore() {
        BackendDecoder decoder = new BackendDecoder(LIMITS);
        assertThat(decoder.feed(new byte[] {'Z', 0, 0, 0, 3}).failed()).isTrue();
        ByteBuffer more = ByteBuffer.wrap(PgEncoder.encode(ReadyForQuery.idle()));
        DecodeResult<BackendMessage> after = decoder.feed(more);
        assertThat(after.items()).isEmpty();
        assertThat(more.position()).isZero();
        assertThat(decoder.failed()).isTrue();
    }

    @Test
    void fixedLengthMessagesWithAPayloadAreViolations() {
        FrontendDecoder decoder = new FrontendDecoder(LIMITS, FrontendPhase.NORMAL);
        assertThat(decoder.feed(new byte[] {'S', 0, 0, 0, 5}).violation())
                .hasValueSatisfying(v -> assertThat(v.message()).contains("0-byte payload"));
    }

    @Test
    void trailingBytesAfterTheLastFieldAreViolations() {
        byte[] query = PgEncoder.encode(new Query("select 1"));
        byte[] padded = ByteBuffer.allocate(query.length + 1).put(query).array();
        padded[4] += 1;
        assertThat(new FrontendDecoder(LIMITS, FrontendPhase.NORMAL)
                        .feed(padded)
                        .failed())
                .isTrue();
    }

    @Test
    void largeDataRowIsStreamedInBoundedChunksAndDescribeIsNot() {
        byte[] row = PgEncoder.encode(new DataRow(List.of(Bytes.of(new byte[100]))));
        DecodeResult<BackendMessage> result = new BackendDecoder(LIMITS).feed(row);
        assertThat(result.items().get(0)).isEqualTo(new Decoded.StreamStart<BackendMessage>('D', row.length - 1));
        assertThat(result.items()).hasSize(1 + 7 + 1).last().isEqualTo(new Decoded.StreamEnd<BackendMessage>('D'));
        assertThat(Conversation.reencode(result.items())).isEqualTo(row);

        byte[] describe = PgEncoder.encode(new Describe('S', "x".repeat(100)));
        assertThat(new FrontendDecoder(LIMITS, FrontendPhase.NORMAL)
                        .feed(describe)
                        .messages())
                .containsExactly(new Describe('S', "x".repeat(100)));
    }

    @Test
    void theSameBytesTaggedPAreDecodedByPhase() {
        byte[] bytes = PgEncoder.encode(new PasswordMessage("secret"));
        assertThat(new FrontendDecoder(LIMITS, FrontendPhase.PASSWORD)
                        .feed(bytes)
                        .messages())
                .containsExactly(new PasswordMessage("secret"));
        assertThat(new FrontendDecoder(LIMITS, FrontendPhase.SASL_RESPONSE)
                        .feed(bytes)
                        .messages())
                .containsExactly(new SASLResponse(Bytes.of("secret\0".getBytes())));
        assertThat(new FrontendDecoder(LIMITS, FrontendPhase.NORMAL).feed(bytes).messages())
                .containsExactly(new Unknown('p', Bytes.of("secret\0".getBytes())));
        assertThat(FrontendPhase.NORMAL.after(AuthenticationSASL.scramSha256()))
                .isEqualTo(FrontendPhase.SASL_INITIAL_RESPONSE);
    }

    @Test
    void secretsNeverAppearInToString() {
        assertThat(new PasswordMessage("hunter2").toString()).doesNotContain("hunter2");
        assertThat(new SASLInitialResponse("SCRAM-SHA-256", Bytes.of("n,,n=,r=abc".getBytes())).toString())
                .doesNotContain("abc")
                .doesNotContain("6162");
        assertThat(new SASLResponse(Bytes.of(new byte[] {0x41})).toString()).doesNotContain("41");
        assertThat(CancelRequest.of(7, 0x12345678).toString()).doesNotContain("12345678");
    }

    @Test
    void bytesSentWithAnSslRequestBeforeTheHandshakeAreRejected() {
        byte[] ssl = PgEncoder.encode(new SSLRequest());
        byte[] injected = ByteBuffer.allocate(ssl.length + 5)
                .put(ssl)
                .put(PgEncoder.encode(new Sync()))
                .array();
        DecodeResult<StartupPacket> result = new StartupDecoder().feed(injected);
        assertThat(result.messages()).containsExactly(new SSLRequest());
        assertThat(result.violation())
                .hasValueSatisfying(v -> assertThat(v.message()).contains("CVE-2021-23214"));
    }

    @Test
    void startupDecoderStopsAfterStartupMessageLeavingTheRestForTheFrontendDecoder() {
        StartupDecoder decoder = new StartupDecoder();
        assertThat(decoder.feed(PgEncoder.encode(new SSLRequest())).messages()).containsExactly(new SSLRequest());
        byte[] startup = PgEncoder.encode(StartupMessage.of("alice", "db"));
        byte[] query = PgEncoder.encode(new Query("select 1"));
        ByteBuffer input = ByteBuffer.allocate(startup.length + query.length)
                .put(startup)
                .put(query)
                .flip();
        assertThat(decoder.feed(input).messages()).containsExactly(StartupMessage.of("alice", "db"));
        assertThat(decoder.done()).isTrue();
        assertThat(new FrontendDecoder(LIMITS, FrontendPhase.NORMAL).feed(input).messages())
                .containsExactly(new Query("select 1"));
    }

    @Test
    void startupPacketLimitsAndDuplicateParametersAreViolations() {
        assertThat(new StartupDecoder().feed(new byte[] {0, 0, 0x27, 0x11}).violation())
                .hasValueSatisfying(
                        v -> assertThat(v.message()).contains("10001").contains("10000"));
        byte[] duplicate =
                "\0\0\0\0\0\3\0\0user\0a\0user\0b\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        duplicate[3] = (byte) duplicate.length;
        assertThat(new StartupDecoder().feed(duplicate).violation())
                .hasValueSatisfying(v -> assertThat(v.message()).contains("'user' appears twice"));
    }

    @Test
    void protocol32CancelRequestCarriesALongKey() {
        CancelRequest cancel = new CancelRequest(42, Bytes.of(new byte[32]));
        assertThat(new StartupDecoder().feed(PgEncoder.encode(cancel)).messages())
                .containsExactly(cancel);
    }

    @Test
    void gatewaySynthesizedErrorCarriesSeveritySqlstateAndMessage() {
        ErrorResponse error = ErrorResponse.of("FATAL", "28P01", "password authentication failed");
        BackendMessage decoded = new BackendDecoder(LIMITS)
                .feed(PgEncoder.encode(error))
                .messages()
                .get(0);
        assertThat(decoded).isEqualTo(error);
        assertThat(((ErrorResponse) decoded).sqlState()).isEqualTo("28P01");
    }
}
