package io.gatehouse.gateway.admin;

import java.util.regex.Pattern;

/**
 * Names and targets as the gateway accepts them. Identity and connection names travel inside client
 * protocols (the PostgreSQL {@code user} and {@code dbname}), so they are restricted to characters that
 * need no quoting anywhere: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit.
 */
public final class Validation {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

    private Validation() {}

    public static String name(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidRequestException(
                    what + " name '" + (name == null ? "" : name)
                            + "' is not valid: use 1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    /** Accepts {@code host:port} and {@code [ipv6]:port}; returns it normalised (trimmed). */
    public static String target(String target) {
        String t = target == null ? "" : target.strip();
        int colon = t.lastIndexOf(':');
        String host = colon > 0 ? t.substring(0, colon) : "";
        String port = colon > 0 ? t.substring(colon + 1) : "";
        boolean hostOk = host.startsWith("[") && host.endsWith("]") && host.length() > 2
                ? host.substring(1, host.length() - 1).matches("[0-9A-Fa-f:.]+")
                : HOST.matcher(host).matches();
        int portNumber = -1;
        if (port.matches("\\d{1,5}")) {
            portNumber = Integer.parseInt(port);
        }
        if (!hostOk || portNumber < 1 || portNumber > 65535) {
            throw new InvalidRequestException("target '" + t
                    + "' is not valid: expected HOST:PORT with a port from 1 to 65535, e.g. db.internal:5432");
        }
        return t;
    }

    /** A credential reference resolved by the connector: {@code env:NAME}. */
    public static String secretReference(String reference) {
        if (reference == null || !reference.matches("env:[A-Za-z_][A-Za-z0-9_]{0,127}")) {
            throw new InvalidRequestException("secret reference '" + reference
                    + "' is not valid: expected env:NAME, where NAME is an environment variable of the connector");
        }
        return reference;
    }
}
