package io.gatehouse.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The software version both gateway and connector report in Hello/Welcome (set by the build). */
public final class GatehouseVersion {
    private static final String VALUE = load();

    private GatehouseVersion() {}

    public static String value() {
        return VALUE;
    }

    private static String load() {
        try (InputStream in = GatehouseVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "dev");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
