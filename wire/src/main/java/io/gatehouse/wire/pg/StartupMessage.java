package io.gatehouse.wire.pg;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The first real packet of a session: protocol version (major in the high 16 bits) and the
 * parameters ({@code user}, {@code database}, {@code options}, {@code application_name}, GUCs,
 * {@code _pq_.*} protocol options) in the order the client sent them.
 */
public record StartupMessage(int protocolVersion, Map<String, String> parameters) implements StartupPacket {
    public StartupMessage {
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            if (parameter.getKey().isEmpty()
                    || parameter.getKey().indexOf(0) >= 0
                    || parameter.getValue().indexOf(0) >= 0) {
                throw new IllegalArgumentException(
                        "parameter names must be non-empty and names and values free of NUL");
            }
        }
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** A protocol 3.0 StartupMessage for {@code user} and {@code database}. */
    public static StartupMessage of(String user, String database) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", user);
        parameters.put("database", database);
        return new StartupMessage(PROTOCOL_3_0, parameters);
    }

    public int majorVersion() {
        return protocolVersion >>> 16;
    }

    public int minorVersion() {
        return protocolVersion & 0xFFFF;
    }

    public String user() {
        return parameters.get("user");
    }

    /** The {@code database} parameter, which defaults to the user name. */
    public String database() {
        return parameters.getOrDefault("database", user());
    }
}
