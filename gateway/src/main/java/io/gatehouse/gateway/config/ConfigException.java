package io.gatehouse.gateway.config;

/** A configuration problem the operator must fix; its message is one line naming the key and the bad value. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
