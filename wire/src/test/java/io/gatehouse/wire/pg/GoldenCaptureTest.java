package io.gatehouse.wire.pg;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.wire.pg.Conversation.Chunking;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Conversations captured once from PostgreSQL 15 (psql and pgJDBC 42.7.14 through a throwaway
 * relay), replayed whole, one byte at a time and in seeded random chunks.
 */
class GoldenCaptureTest {
    private static final DecoderLimits LIMITS = DecoderLimits.defaults();

    private static Conversation.Replay<BackendMessage> backend(String name, Chunking chunking) {
        return backend(name, chunking, LIMITS);
    }

    private static Conversation.Replay<BackendMessage> backend(String name, Chunking chunking, DecoderLimits limits) {
        byte[] bytes = Conversation.golden(name + ".backend.bin");
        Conversation.Replay<BackendMessage> replay = Conversation.backend(bytes, chunking, limits);
        assertThat(replay.reencoded()).as("re-encoded backend stream").isEqualTo(bytes);
        return replay;
    }

    private static List<Object> frontend(String name, Chunking chunking) {
        byte[] bytes = Conversation.golden(name + ".frontend.bin");
        Conversation.Replay<Object> replay =
                Conversation.frontend(bytes, backend(name, Chunking.WHOLE).messages(), chunking, LIMITS);
        assertThat(replay.reencoded()).as("re-encoded frontend stream").isEqualTo(bytes);
        return replay.messages();
    }

    private static List<String> names(List<?> messages) {
        return messages.stream().map(m -> m.getClass().getSimpleName()).toList();
    }

    @ParameterizedTest
    @EnumSource(Chunking.class)
    void psqlSimpleQueriesDecodeWithTheirResultsAndError(Chunking chunking) {
        List<Object> client = frontend("simple-query", chunking);
        assertThat(client)
                .containsExactly(
                        new StartupMessage(
                                StartupPacket.PROTOCOL_3_0,
                                java.util.Map.of("user", "postgres", "database", "test", "application_name", "golden")),
                        new Query("select 1 as one, 'two' as two, null::text as three;"
                                + " select length(repeat('x', 20000)) as n"),
                        new Query("select repeat('y', 20000) as big"),
                        new Query(""),
                        new Query("select 1/0"),
                        new Terminate());

        List<Decoded<BackendMessage>> items = backend("simple-query", chunking).items();
        // the 20000-byte row is above the 8 KiB threshold: streamed, not buffered
        assertThat(items).contains(new Decoded.StreamStart<>('D', 20010), new Decoded.StreamEnd<>('D'));
        List<BackendMessage> server = backend("simple-query", chunking).messages();
        assertThat(server.get(0)).isEqualTo(new AuthenticationOk());
        assertThat(server)
                .contains(
                        new DataRow(
                                java.util.Arrays.asList(Bytes.of("1".getBytes()), Bytes.of("two".getBytes()), null)),
                        new EmptyQueryResponse());
        ErrorResponse error = (ErrorResponse) server.get(server.size() - 2);
        assertThat(error.sqlState()).isEqualTo("22012");
        assertThat(error.message()).isEqualTo("division by zero");
        assertThat(error.severity()).isEqualTo("ERROR");
        assertThat(server.get(server.size() - 1)).isEqualTo(new ReadyForQuery('I'));
    }

    @ParameterizedTest
    @EnumSource(Chunking.class)
    void copyInAndOutDecode(Chunking chunking) {
        assertThat(names(frontend("copy", chunking)))
                .containsExactly(
                        "StartupMessage", "Query", "Query", "CopyData", "CopyDone", "Query", "Query", "Terminate");
        assertThat(frontend("copy", chunking).get(3))
                .isEqualTo(new CopyData(Bytes.of("1\talpha\n2\tbeta\n3\t\\N\n".getBytes())));
        List<BackendMessage> server = backend("copy", chunking).messages();
        assertThat(server).filteredOn(CopyData.class::isInstance).hasSize(203);
        assertThat(server)
                .contains(
                        new CopyInResponse((byte) 0, List.of((short) 0, (short) 0)),
                        new CommandComplete("COPY 3"),
                        new CommandComplete("COPY 200"));
    }

    @ParameterizedTest
    @EnumSource(Chunking.class)
    void smallStreamThresholdStreamsEveryCopyRowAndStillRoundTrips(Chunking chunking) {
        Conversation.Replay<BackendMessage> replay = backend("copy", chunking, new DecoderLimits(1 << 20, 16, 32));
        assertThat(replay.items())
                .filteredOn(Decoded.StreamStart.class::isInstance)
                .hasSize(200);
        assertThat(replay.items())
                .filteredOn(Decoded.StreamChunk.class::isInstance)
                .allSatisfy(item -> assertThat(
                                ((Decoded.StreamChunk<?>) item).bytes().length())
                        .isBetween(1, 32));
    }

    @ParameterizedTest
    @EnumSource(Chunking.class)
    void jdbcPipelineDecodesStatementsParametersAndTheErrorMidPipeline(Chunking chunking) {
        List<Object> client = frontend("jdbc-pipeline", chunking);
        assertThat(client)
                .contains(
                        new Parse(
                                "S_1",
                                "insert into golden_items(id, name, price, seen) values ($1, $2, $3, $4)",
                                List.of(23, 1043, 1700, 0)),
                        new Execute("", 1),
                        new Describe('S', "S_1"));
        List<Bind> binds = client.stream()
                .filter(Bind.class::isInstance)
                .map(Bind.class::cast)
                .toList();
        Bind first = binds.get(1);
        assertThat(first.statement()).isEqualTo("S_1");
        assertThat(List.of(0, 1, 2, 3).stream()
                        .map(i -> ParameterRenderer.render(
                                List.of(23, 1043, 1700, 1184).get(i),
                                first.parameterFormat(i),
                                first.parameterValues().get(i)))
                        .toList())
                .containsExactly("1", "item-1", "12.50", "2024-02-29 12:34:56.789+00");
        Bind withNull = binds.get(binds.size() - 2);
        assertThat(withNull.parameterValues().get(1)).isNull();
        assertThat(client).filteredOn(Sync.class::isInstance).hasSize(6);

        List<BackendMessage> server = backend("jdbc-pipeline", chunking).messages();
        int errorAt = server.indexOf(server.stream()
                .filter(ErrorResponse.class::isInstance)
                .findFirst()
                .orElseThrow());
        assertThat(((ErrorResponse) server.get(errorAt)).sqlState()).isEqualTo("23505");
        assertThat(server.get(errorAt + 1)).isEqualTo(new ReadyForQuery('E'));
        assertThat(server).filteredOn(CommandComplete.class::isInstance).contains(new CommandComplete("SELECT 2"));
    }

    @ParameterizedTest
    @EnumSource(Chunking.class)
    void scramExchangeDecodesWithThePhaseFollowingTheServer(Chunking chunking) {
        List<Object> client = frontend("scram", chunking);
        assertThat(names(client))
                .containsExactly("StartupMessage", "SASLInitialResponse", "SASLResponse", "Query", "Terminate");
        SASLInitialResponse initial = (SASLInitialResponse) client.get(1);
        assertThat(initial.mechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(new String(initial.initialResponse().toByteArray())).startsWith("n,,n=,r=");
        assertThat(new String(((SASLResponse) client.get(2)).data().toByteArray()))
                .startsWith("c=biws,r=");
        assertThat(names(backend("scram", chunking).messages().subList(0, 4)))
                .containsExactly(
                        "AuthenticationSASL",
                        "AuthenticationSASLContinue",
                        "AuthenticationSASLFinal",
                        "AuthenticationOk");
    }
}
