package io.gatehouse.wire.pg.internal;

import io.gatehouse.wire.pg.Bind;
import io.gatehouse.wire.pg.Bytes;
import io.gatehouse.wire.pg.Close;
import io.gatehouse.wire.pg.CopyData;
import io.gatehouse.wire.pg.CopyDone;
import io.gatehouse.wire.pg.CopyFail;
import io.gatehouse.wire.pg.Describe;
import io.gatehouse.wire.pg.Execute;
import io.gatehouse.wire.pg.Flush;
import io.gatehouse.wire.pg.FrontendMessage;
import io.gatehouse.wire.pg.FrontendPhase;
import io.gatehouse.wire.pg.FunctionCall;
import io.gatehouse.wire.pg.GSSResponse;
import io.gatehouse.wire.pg.Parse;
import io.gatehouse.wire.pg.PasswordMessage;
import io.gatehouse.wire.pg.Query;
import io.gatehouse.wire.pg.SASLInitialResponse;
import io.gatehouse.wire.pg.SASLResponse;
import io.gatehouse.wire.pg.Sync;
import io.gatehouse.wire.pg.Terminate;
import io.gatehouse.wire.pg.Unknown;
import java.util.ArrayList;
import java.util.List;

/**
 * Payload parsing and writing of frontend messages. Parsing consumes the whole payload or throws:
 * a message is decoded as its type only if writing it back yields the same bytes.
 */
public final class FrontendCodec {
    private FrontendCodec() {}

    /** Payload length the tag requires, or -1 if it varies. */
    public static int fixedPayloadLength(char tag) {
        return switch (tag) {
            case 'S', 'H', 'X', 'c' -> 0;
            default -> -1;
        };
    }

    public static FrontendMessage parse(char tag, byte[] payload, FrontendPhase phase)
            throws MalformedMessageException {
        PayloadReader in = new PayloadReader(payload, describe(tag));
        FrontendMessage message =
                switch (tag) {
                    case 'Q' -> new Query(in.string("query"));
                    case 'P' -> parseParse(in);
                    case 'B' -> parseBind(in);
                    case 'D' -> new Describe(kind(in), in.string("name"));
                    case 'E' -> new Execute(in.string("portal"), in.int32("max rows"));
                    case 'S' -> new Sync();
                    case 'H' -> new Flush();
                    case 'C' -> new Close(kind(in), in.string("name"));
                    case 'd' -> new CopyData(in.rest());
                    case 'c' -> new CopyDone();
                    case 'f' -> new CopyFail(in.string("message"));
                    case 'F' -> parseFunctionCall(in);
                    case 'X' -> new Terminate();
                    case 'p' -> parseAuthentication(in, phase);
                    default -> new Unknown(tag, in.rest());
                };
        in.expectEnd();
        return message;
    }

    private static String describe(char tag) {
        return "frontend message '" + tag + "'";
    }

    private static char kind(PayloadReader in) throws MalformedMessageException {
        byte kind = in.int8("kind");
        if (kind != 'S' && kind != 'P') {
            throw new MalformedMessageException("kind must be 'S' or 'P', got byte " + (kind & 0xFF));
        }
        return (char) kind;
    }

    private static Parse parseParse(PayloadReader in) throws MalformedMessageException {
        String name = in.string("statement name");
        String query = in.string("query");
        int count = in.count16("parameter type count");
        if (count * 4 > in.remaining()) {
            throw new MalformedMessageException(
                    "Parse declares " + count + " parameter types but has " + in.remaining() + " bytes left");
        }
        List<Integer> oids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            oids.add(in.int32("parameter type"));
        }
        return new Parse(name, query, oids);
    }

    private static Bind parseBind(PayloadReader in) throws MalformedMessageException {
        String portal = in.string("portal");
        String statement = in.string("statement");
        List<Short> parameterFormats = in.shorts(in.count16("parameter format count"), "parameter format");
        List<Bytes> values = values(in, in.count16("parameter count"), "parameter");
        List<Short> resultFormats = in.shorts(in.count16("result format count"), "result format");
        return new Bind(portal, statement, parameterFormats, values, resultFormats);
    }

    private static List<Bytes> values(PayloadReader in, int count, String field) throws MalformedMessageException {
        if (count * 4L > in.remaining()) {
            throw new MalformedMessageException(count + " " + field + "s need at least " + count * 4L + " bytes but "
                    + in.remaining() + " are left");
        }
        List<Bytes> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(in.nullableValue(field + " " + i));
        }
        return values;
    }

    private static FunctionCall parseFunctionCall(PayloadReader in) throws MalformedMessageException {
        int oid = in.int32("function oid");
        List<Short> formats = in.shorts(in.count16("argument format count"), "argument format");
        List<Bytes> arguments = values(in, in.count16("argument count"), "argument");
        return new FunctionCall(oid, formats, arguments, in.int16("result format"));
    }

    private static FrontendMessage parseAuthentication(PayloadReader in, FrontendPhase phase)
            throws MalformedMessageException {
        return switch (phase) {
            case PASSWORD -> new PasswordMessage(in.string("password"));
            case SASL_INITIAL_RESPONSE -> new SASLInitialResponse(in.string("mechanism"), in.nullableValue("data"));
            case SASL_RESPONSE -> new SASLResponse(in.rest());
            case GSS_RESPONSE -> new GSSResponse(in.rest());
            case NORMAL -> new Unknown('p', in.rest());
        };
    }

    public static char tag(FrontendMessage message) {
        return switch (message) {
            case Query ignored -> 'Q';
            case Parse ignored -> 'P';
            case Bind ignored -> 'B';
            case Describe ignored -> 'D';
            case Execute ignored -> 'E';
            case Sync ignored -> 'S';
            case Flush ignored -> 'H';
            case Close ignored -> 'C';
            case CopyData ignored -> 'd';
            case CopyDone ignored -> 'c';
            case CopyFail ignored -> 'f';
            case FunctionCall ignored -> 'F';
            case Terminate ignored -> 'X';
            case PasswordMessage ignored -> 'p';
            case SASLInitialResponse ignored -> 'p';
            case SASLResponse ignored -> 'p';
            case GSSResponse ignored -> 'p';
            case Unknown unknown -> unknown.tag();
        };
    }

    public static void writePayload(FrontendMessage message, ByteSink out) {
        switch (message) {
            case Query query -> out.string(query.query());
            case Parse parse -> {
                out.string(parse.name())
                        .string(parse.query())
                        .int16(parse.parameterTypeOids().size());
                parse.parameterTypeOids().forEach(out::int32);
            }
            case Bind bind -> {
                out.string(bind.portal()).string(bind.statement()).shorts(bind.parameterFormats());
                out.int16(bind.parameterValues().size());
                bind.parameterValues().forEach(out::nullableValue);
                out.shorts(bind.resultFormats());
            }
            case Describe describe -> out.int8(describe.kind()).string(describe.name());
            case Execute execute -> out.string(execute.portal()).int32(execute.maxRows());
            case Close close -> out.int8(close.kind()).string(close.name());
            case CopyData copyData -> out.bytes(copyData.data());
            case CopyFail copyFail -> out.string(copyFail.message());
            case FunctionCall call -> {
                out.int32(call.functionOid())
                        .shorts(call.argumentFormats())
                        .int16(call.arguments().size());
                call.arguments().forEach(out::nullableValue);
                out.int16(call.resultFormat());
            }
            case PasswordMessage password -> out.string(password.password());
            case SASLInitialResponse initial ->
                out.string(initial.mechanism()).nullableValue(initial.initialResponse());
            case SASLResponse response -> out.bytes(response.data());
            case GSSResponse response -> out.bytes(response.data());
            case Unknown unknown -> out.bytes(unknown.payload());
            case Sync ignored -> {}
            case Flush ignored -> {}
            case CopyDone ignored -> {}
            case Terminate ignored -> {}
        }
    }
}
