package io.gatehouse.wire.pg.internal;

import io.gatehouse.wire.pg.CancelRequest;
import io.gatehouse.wire.pg.GSSENCRequest;
import io.gatehouse.wire.pg.SSLRequest;
import io.gatehouse.wire.pg.StartupMessage;
import io.gatehouse.wire.pg.StartupPacket;
import io.gatehouse.wire.pg.UnknownStartupPacket;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parsing and writing of startup packets (everything after the Int32 length). */
public final class StartupCodec {
    private StartupCodec() {}

    public static StartupPacket parse(byte[] body) throws MalformedMessageException {
        PayloadReader in = new PayloadReader(body, "startup packet");
        int code = in.int32("code");
        StartupPacket packet;
        if (code == StartupPacket.SSL_REQUEST_CODE) {
            packet = new SSLRequest();
        } else if (code == StartupPacket.GSSENC_REQUEST_CODE) {
            packet = new GSSENCRequest();
        } else if (code == StartupPacket.CANCEL_REQUEST_CODE) {
            int processId = in.int32("process id");
            if (in.remaining() < 4 || in.remaining() > 256) {
                throw new MalformedMessageException(
                        "CancelRequest secret key must be 4 to 256 bytes, got " + in.remaining());
            }
            packet = new CancelRequest(processId, in.rest());
        } else if (code >>> 16 == 3) {
            packet = new StartupMessage(code, parameters(in));
        } else {
            packet = new UnknownStartupPacket(code, in.rest());
        }
        in.expectEnd();
        return packet;
    }

    private static Map<String, String> parameters(PayloadReader in) throws MalformedMessageException {
        Map<String, String> parameters = new LinkedHashMap<>();
        String name;
        while (!(name = in.string("parameter name")).isEmpty()) {
            // Two values for one name (say, two "user"s) could be read differently by the gateway
            // and by the server behind it; refuse rather than pick one.
            if (parameters.put(name, in.string("value of " + name)) != null) {
                throw new MalformedMessageException("StartupMessage parameter '" + name + "' appears twice");
            }
        }
        return parameters;
    }

    public static void write(StartupPacket packet, ByteSink out) {
        switch (packet) {
            case SSLRequest ignored -> out.int32(StartupPacket.SSL_REQUEST_CODE);
            case GSSENCRequest ignored -> out.int32(StartupPacket.GSSENC_REQUEST_CODE);
            case CancelRequest cancel ->
                out.int32(StartupPacket.CANCEL_REQUEST_CODE)
                        .int32(cancel.processId())
                        .bytes(cancel.secretKey());
            case StartupMessage startup -> {
                out.int32(startup.protocolVersion());
                startup.parameters().forEach((name, value) -> out.string(name).string(value));
                out.int8(0);
            }
            case UnknownStartupPacket unknown -> out.int32(unknown.code()).bytes(unknown.payload());
        }
    }
}
