package io.gatehouse.testkit;

import java.util.Objects;

/**
 * One fresh, empty database on the test JVM's embedded PostgreSQL server.
 *
 * <p>The server uses trust authentication on loopback, so {@code password} is empty and only there so
 * that code under test can pass credentials the way it would in production.
 */
public record PostgresDatabase(String jdbcUrl, String username, String password, String name) {
    public PostgresDatabase {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(name, "name");
    }
}
