package io.gatehouse.wire.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** decode(encode(m)) == m for generated messages, fed in one piece and byte by byte. */
class RoundTripPropertiesTest {
    private static final DecoderLimits LIMITS = new DecoderLimits(1 << 20, 1 << 19, 1 << 16);

    private static Arbitrary<String> text() {
        return Arbitraries.strings().excludeChars('\0').ofMaxLength(40);
    }

    private static Arbitrary<Bytes> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(Bytes::of);
    }

    private static Arbitrary<Bytes> nullableBytes() {
        return bytes().injectNull(0.2);
    }

    private static Arbitrary<List<Short>> formats() {
        return Arbitraries.shorts().between((short) 0, (short) 1).list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<FrontendMessage> frontendMessages() {
        return Arbitraries.oneOf(
                text().map(Query::new),
                Combinators.combine(
                                text(), text(), Arbitraries.integers().list().ofMaxSize(5))
                        .as(Parse::new),
                Combinators.combine(
                                text(),
                                text(),
                                formats(),
                                nullableBytes().list().ofMaxSize(5),
                                formats())
                        .as(Bind::new),
                Combinators.combine(Arbitraries.of('S', 'P'), text()).as(Describe::new),
                Combinators.combine(text(), Arbitraries.integers()).as(Execute::new),
                Combinators.combine(Arbitraries.of('S', 'P'), text()).as(Close::new),
                bytes().map(CopyData::new),
                text().map(CopyFail::new),
                Combinators.combine(
                                Arbitraries.integers(),
                                formats(),
                                nullableBytes().list().ofMaxSize(3),
                                Arbitraries.shorts())
                        .as(FunctionCall::new),
                Arbitraries.of(new Sync(), new Flush(), new CopyDone(), new Terminate()),
                Combinators.combine(Arbitraries.of('#', 'z', '!'), bytes()).as(Unknown::new));
    }

    @Provide
    Arbitrary<BackendMessage> backendMessages() {
        Arbitrary<RowDescription.Field> field = Combinators.combine(
                        text(),
                        Arbitraries.integers(),
                        Arbitraries.shorts(),
                        Arbitraries.integers(),
                        Arbitraries.shorts(),
                        Arbitraries.integers(),
                        Arbitraries.shorts())
                .as(RowDescription.Field::new);
        Arbitrary<String> nonEmpty =
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12);
        return Arbitraries.oneOf(
                Arbitraries.of(
                        new AuthenticationOk(),
                        new AuthenticationCleartextPassword(),
                        new EmptyQueryResponse(),
                        new ParseComplete(),
                        new BindComplete(),
                        new CloseComplete(),
                        new NoData(),
                        new PortalSuspended(),
                        new CopyDone()),
                Arbitraries.bytes().array(byte[].class).ofSize(4).map(b -> new AuthenticationMD5Password(Bytes.of(b))),
                nonEmpty.list().ofMaxSize(3).map(AuthenticationSASL::new),
                bytes().map(AuthenticationSASLContinue::new),
                bytes().map(AuthenticationSASLFinal::new),
                Combinators.combine(Arbitraries.of(2, 7, 8, 9, 13), bytes()).as(AuthenticationOther::new),
                Combinators.combine(text(), text()).as(ParameterStatus::new),
                Combinators.combine(Arbitraries.integers(), Arbitraries.integers())
                        .as(BackendKeyData::of),
                Arbitraries.of('I', 'T', 'E').map(ReadyForQuery::new),
                field.list().ofMaxSize(4).map(RowDescription::new),
                Arbitraries.integers().list().ofMaxSize(5).map(ParameterDescription::new),
                nullableBytes().list().ofMaxSize(5).map(DataRow::new),
                text().map(CommandComplete::new),
                Combinators.combine(text(), text(), text()).as(ErrorResponse::of),
                Combinators.combine(text(), text(), text()).as(NoticeResponse::of),
                Combinators.combine(Arbitraries.integers(), text(), text()).as(NotificationResponse::new),
                Combinators.combine(Arbitraries.bytes(), formats()).as(CopyInResponse::new),
                Combinators.combine(Arbitraries.bytes(), formats()).as(CopyOutResponse::new),
                Combinators.combine(Arbitraries.bytes(), formats()).as(CopyBothResponse::new),
                bytes().map(CopyData::new),
                nullableBytes().map(FunctionCallResponse::new),
                Combinators.combine(Arbitraries.integers(), nonEmpty.list().ofMaxSize(3))
                        .as(NegotiateProtocolVersion::new),
                Combinators.combine(Arbitraries.of('#', 'z', '!'), bytes()).as(Unknown::new));
    }

    @Property
    void frontendMessagesRoundTrip(@ForAll("frontendMessages") FrontendMessage message) {
        byte[] encoded = PgEncoder.encode(message);
        assertThat(new FrontendDecoder(LIMITS, FrontendPhase.NORMAL)
                        .feed(encoded)
                        .messages())
                .containsExactly(message);
        FrontendDecoder bytewise = new FrontendDecoder(LIMITS, FrontendPhase.NORMAL);
        List<FrontendMessage> decoded = new java.util.ArrayList<>();
        for (byte b : encoded) {
            decoded.addAll(bytewise.feed(new byte[] {b}).messages());
        }
        assertThat(decoded).containsExactly(message);
    }

    @Property
    void backendMessagesRoundTrip(@ForAll("backendMessages") BackendMessage message) {
        byte[] encoded = PgEncoder.encode(message);
        DecodeResult<BackendMessage> result = new BackendDecoder(LIMITS).feed(encoded);
        assertThat(result.messages()).containsExactly(message);
        assertThat(Conversation.reencode(result.items())).isEqualTo(encoded);
    }

    @Property
    void authenticationMessagesRoundTripInTheirPhase(@ForAll("passwords") String password, @ForAll byte[] data) {
        List<FrontendMessage> messages = List.of(
                new PasswordMessage(password),
                new SASLInitialResponse("SCRAM-SHA-256", Bytes.of(data)),
                new SASLInitialResponse("SCRAM-SHA-256", null),
                new SASLResponse(Bytes.of(data)),
                new GSSResponse(Bytes.of(data)));
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
                    .containsExactly(messages.get(i));
        }
    }

    @Provide
    Arbitrary<String> passwords() {
        return text();
    }

    @Property
    void startupPacketsRoundTrip(@ForAll("startupPackets") StartupPacket packet) {
        assertThat(new StartupDecoder().feed(PgEncoder.encode(packet)).messages())
                .containsExactly(packet);
    }

    @Provide
    Arbitrary<StartupPacket> startupPackets() {
        Arbitrary<String> name = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10);
        return Arbitraries.oneOf(
                Arbitraries.of(new SSLRequest(), new GSSENCRequest()),
                Combinators.combine(Arbitraries.integers(), Arbitraries.integers())
                        .as(CancelRequest::of),
                Arbitraries.maps(name, text())
                        .ofMaxSize(5)
                        .map(p -> new StartupMessage(StartupPacket.PROTOCOL_3_0, p)));
    }
}
