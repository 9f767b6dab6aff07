package io.gatehouse.wire.pg;

/** A startup packet with a code this codec does not know (e.g. protocol 2.0), kept raw. */
public record UnknownStartupPacket(int code, Bytes payload) implements StartupPacket {
    @Override
    public String toString() {
        return "UnknownStartupPacket[code=" + code + ", payload=<" + payload.length() + " bytes>]";
    }
}
