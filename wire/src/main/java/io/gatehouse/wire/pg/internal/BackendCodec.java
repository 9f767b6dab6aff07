package io.gatehouse.wire.pg.internal;

import io.gatehouse.wire.pg.AuthenticationCleartextPassword;
import io.gatehouse.wire.pg.AuthenticationMD5Password;
import io.gatehouse.wire.pg.AuthenticationOk;
import io.gatehouse.wire.pg.AuthenticationOther;
import io.gatehouse.wire.pg.AuthenticationSASL;
import io.gatehouse.wire.pg.AuthenticationSASLContinue;
import io.gatehouse.wire.pg.AuthenticationSASLFinal;
import io.gatehouse.wire.pg.BackendKeyData;
import io.gatehouse.wire.pg.BackendMessage;
import io.gatehouse.wire.pg.BindComplete;
import io.gatehouse.wire.pg.Bytes;
import io.gatehouse.wire.pg.CloseComplete;
import io.gatehouse.wire.pg.CommandComplete;
import io.gatehouse.wire.pg.CopyBothResponse;
import io.gatehouse.wire.pg.CopyData;
import io.gatehouse.wire.pg.CopyDone;
import io.gatehouse.wire.pg.CopyInResponse;
import io.gatehouse.wire.pg.CopyOutResponse;
import io.gatehouse.wire.pg.DataRow;
import io.gatehouse.wire.pg.EmptyQueryResponse;
import io.gatehouse.wire.pg.ErrorResponse;
import io.gatehouse.wire.pg.FunctionCallResponse;
import io.gatehouse.wire.pg.NegotiateProtocolVersion;
import io.gatehouse.wire.pg.NoData;
import io.gatehouse.wire.pg.NoticeResponse;
import io.gatehouse.wire.pg.NotificationResponse;
import io.gatehouse.wire.pg.ParameterDescription;
import io.gatehouse.wire.pg.ParameterStatus;
import io.gatehouse.wire.pg.ParseComplete;
import io.gatehouse.wire.pg.PortalSuspended;
import io.gatehouse.wire.pg.ReadyForQuery;
import io.gatehouse.wire.pg.RowDescription;
import io.gatehouse.wire.pg.Unknown;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Payload parsing and writing of backend messages. Parsing consumes the whole payload or throws:
 * a message is decoded as its type only if writing it back yields the same bytes.
 */
public final class BackendCodec {
    private BackendCodec() {}

    /** Payload length the tag requires, or -1 if it varies. */
    public static int fixedPayloadLength(char tag) {
        return switch (tag) {
            case 'I', '1', '2', '3', 'n', 's', 'c' -> 0;
            case 'Z' -> 1;
            default -> -1;
        };
    }

    public static BackendMessage parse(char tag, byte[] payload) throws MalformedMessageException {
        PayloadReader in = new PayloadReader(payload, "backend message '" + tag + "'");
        BackendMessage message =
                switch (tag) {
                    case 'R' -> parseAuthentication(in);
                    case 'S' -> new ParameterStatus(in.string("name"), in.string("value"));
                    case 'K' -> parseBackendKeyData(in);
                    case 'Z' -> new ReadyForQuery((char) (in.int8("status") & 0xFF));
                    case 'T' -> parseRowDescription(in);
                    case 't' -> new ParameterDescription(ints(in, in.count16("parameter count")));
                    case 'D' -> new DataRow(values(in, in.count16("column count")));
                    case 'C' -> new CommandComplete(in.string("tag"));
                    case 'I' -> new EmptyQueryResponse();
                    case 'E' -> new ErrorResponse(noticeFields(in));
                    case 'N' -> new NoticeResponse(noticeFields(in));
                    case 'A' ->
                        new NotificationResponse(in.int32("process id"), in.string("channel"), in.string("payload"));
                    case '1' -> new ParseComplete();
                    case '2' -> new BindComplete();
                    case '3' -> new CloseComplete();
                    case 'n' -> new NoData();
                    case 's' -> new PortalSuspended();
                    case 'G' -> new CopyInResponse(in.int8("format"), in.shorts(in.count16("column count"), "format"));
                    case 'H' -> new CopyOutResponse(in.int8("format"), in.shorts(in.count16("column count"), "format"));
                    case 'W' ->
                        new CopyBothResponse(in.int8("format"), in.shorts(in.count16("column count"), "format"));
                    case 'd' -> new CopyData(in.rest());
                    case 'c' -> new CopyDone();
                    case 'V' -> new FunctionCallResponse(in.nullableValue("result"));
                    case 'v' -> parseNegotiate(in);
                    default -> new Unknown(tag, in.rest());
                };
        in.expectEnd();
        return message;
    }

    private static BackendMessage parseAuthentication(PayloadReader in) throws MalformedMessageException {
        int code = in.int32("authentication code");
        return switch (code) {
            case 0 -> new AuthenticationOk();
            case 3 -> new AuthenticationCleartextPassword();
            case 5 -> new AuthenticationMD5Password(in.bytes(4, "salt"));
            case 10 -> {
                List<String> mechanisms = new ArrayList<>();
                String mechanism;
                while (!(mechanism = in.string("mechanism")).isEmpty()) {
                    mechanisms.add(mechanism);
                }
                yield new AuthenticationSASL(mechanisms);
            }
            case 11 -> new AuthenticationSASLContinue(in.rest());
            case 12 -> new AuthenticationSASLFinal(in.rest());
            default -> new AuthenticationOther(code, in.rest());
        };
    }

    private static BackendKeyData parseBackendKeyData(PayloadReader in) throws MalformedMessageException {
        int processId = in.int32("process id");
        if (in.remaining() < 4 || in.remaining() > 256) {
            throw new MalformedMessageException(
                    "BackendKeyData secret key must be 4 to 256 bytes, got " + in.remaining());
        }
        return new BackendKeyData(processId, in.rest());
    }

    private static RowDescription parseRowDescription(PayloadReader in) throws MalformedMessageException {
        int count = in.count16("field count");
        if (count * 19L > in.remaining()) {
            throw new MalformedMessageException(
                    "RowDescription declares " + count + " fields but has " + in.remaining() + " bytes");
        }
        List<RowDescription.Field> fields = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            fields.add(new RowDescription.Field(
                    in.string("field name"),
                    in.int32("table oid"),
                    in.int16("column attribute number"),
                    in.int32("type oid"),
                    in.int16("type size"),
                    in.int32("type modifier"),
                    in.int16("format code")));
        }
        return new RowDescription(fields);
    }

    private static List<Integer> ints(PayloadReader in, int count) throws MalformedMessageException {
        List<Integer> values = new ArrayList<>(Math.min(count, in.remaining() / 4));
        for (int i = 0; i < count; i++) {
            values.add(in.int32("oid"));
        }
        return values;
    }

    private static List<Bytes> values(PayloadReader in, int count) throws MalformedMessageException {
        List<Bytes> values = new ArrayList<>(Math.min(count, in.remaining() / 4));
        for (int i = 0; i < count; i++) {
            values.add(in.nullableValue("column " + i));
        }
        return values;
    }

    private static Map<Character, String> noticeFields(PayloadReader in) throws MalformedMessageException {
        Map<Character, String> fields = new LinkedHashMap<>();
        byte code;
        while ((code = in.int8("field code")) != 0) {
            char key = (char) (code & 0xFF);
            if (fields.put(key, in.string("field '" + key + "'")) != null) {
                throw new MalformedMessageException("field '" + key + "' appears twice");
            }
        }
        return fields;
    }

    private static NegotiateProtocolVersion parseNegotiate(PayloadReader in) throws MalformedMessageException {
        int minor = in.int32("newest minor version");
        int count = in.int32("option count");
        if (count < 0 || count > in.remaining()) {
            throw new MalformedMessageException(
                    "option count " + count + " does not fit in " + in.remaining() + " bytes");
        }
        List<String> options = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            options.add(in.string("option"));
        }
        return new NegotiateProtocolVersion(minor, options);
    }

    public static char tag(BackendMessage message) {
        return switch (message) {
            case AuthenticationOk ignored -> 'R';
            case AuthenticationCleartextPassword ignored -> 'R';
            case AuthenticationMD5Password ignored -> 'R';
            case AuthenticationSASL ignored -> 'R';
            case AuthenticationSASLContinue ignored -> 'R';
            case AuthenticationSASLFinal ignored -> 'R';
            case AuthenticationOther ignored -> 'R';
            case ParameterStatus ignored -> 'S';
            case BackendKeyData ignored -> 'K';
            case ReadyForQuery ignored -> 'Z';
            case RowDescription ignored -> 'T';
            case ParameterDescription ignored -> 't';
            case DataRow ignored -> 'D';
            case CommandComplete ignored -> 'C';
            case EmptyQueryResponse ignored -> 'I';
            case ErrorResponse ignored -> 'E';
            case NoticeResponse ignored -> 'N';
            case NotificationResponse ignored -> 'A';
            case ParseComplete ignored -> '1';
            case BindComplete ignored -> '2';
            case CloseComplete ignored -> '3';
            case NoData ignored -> 'n';
            case PortalSuspended ignored -> 's';
            case CopyInResponse ignored -> 'G';
            case CopyOutResponse ignored -> 'H';
            case CopyBothResponse ignored -> 'W';
            case CopyData ignored -> 'd';
            case CopyDone ignored -> 'c';
            case FunctionCallResponse ignored -> 'V';
            case NegotiateProtocolVersion ignored -> 'v';
            case Unknown unknown -> unknown.tag();
        };
    }

    public static void writePayload(BackendMessage message, ByteSink out) {
        switch (message) {
            case AuthenticationOk ignored -> out.int32(0);
            case AuthenticationCleartextPassword ignored -> out.int32(3);
            case AuthenticationMD5Password md5 -> out.int32(5).bytes(md5.salt());
            case AuthenticationSASL sasl -> {
                out.int32(10);
                sasl.mechanisms().forEach(out::string);
                out.int8(0);
            }
            case AuthenticationSASLContinue sasl -> out.int32(11).bytes(sasl.data());
            case AuthenticationSASLFinal sasl -> out.int32(12).bytes(sasl.data());
            case AuthenticationOther other -> out.int32(other.code()).bytes(other.data());
            case ParameterStatus status -> out.string(status.name()).string(status.value());
            case BackendKeyData key -> out.int32(key.processId()).bytes(key.secretKey());
            case ReadyForQuery ready -> out.int8(ready.status());
            case RowDescription description -> {
                out.int16(description.fields().size());
                for (RowDescription.Field field : description.fields()) {
                    out.string(field.name())
                            .int32(field.tableOid())
                            .int16(field.columnAttributeNumber())
                            .int32(field.typeOid())
                            .int16(field.typeSize())
                            .int32(field.typeModifier())
                            .int16(field.formatCode());
                }
            }
            case ParameterDescription description -> {
                out.int16(description.typeOids().size());
                description.typeOids().forEach(out::int32);
            }
            case DataRow row -> {
                out.int16(row.columns().size());
                row.columns().forEach(out::nullableValue);
            }
            case CommandComplete complete -> out.string(complete.tag());
            case ErrorResponse error -> writeFields(error.fields(), out);
            case NoticeResponse notice -> writeFields(notice.fields(), out);
            case NotificationResponse notification ->
                out.int32(notification.processId())
                        .string(notification.channel())
                        .string(notification.payload());
            case CopyInResponse copy -> out.int8(copy.overallFormat()).shorts(copy.columnFormats());
            case CopyOutResponse copy -> out.int8(copy.overallFormat()).shorts(copy.columnFormats());
            case CopyBothResponse copy -> out.int8(copy.overallFormat()).shorts(copy.columnFormats());
            case CopyData copyData -> out.bytes(copyData.data());
            case FunctionCallResponse response -> out.nullableValue(response.result());
            case NegotiateProtocolVersion negotiate -> {
                out.int32(negotiate.newestMinorVersion())
                        .int32(negotiate.unrecognizedOptions().size());
                negotiate.unrecognizedOptions().forEach(out::string);
            }
            case Unknown unknown -> out.bytes(unknown.payload());
            case EmptyQueryResponse ignored -> {}
            case ParseComplete ignored -> {}
            case BindComplete ignored -> {}
            case CloseComplete ignored -> {}
            case NoData ignored -> {}
            case PortalSuspended ignored -> {}
            case CopyDone ignored -> {}
        }
    }

    private static void writeFields(Map<Character, String> fields, ByteSink out) {
        fields.forEach((code, value) -> out.int8(code).string(value));
        out.int8(0);
    }
}
