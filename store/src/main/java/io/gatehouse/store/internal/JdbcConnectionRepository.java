package io.gatehouse.store.internal;

import io.gatehouse.store.ConnectionRecord;
import io.gatehouse.store.ConnectionRepository;
import io.gatehouse.store.ConnectionType;
import io.gatehouse.store.Credential;
import io.gatehouse.store.DuplicateException;
import io.gatehouse.store.Durability;
import io.gatehouse.store.NotFoundException;
import io.gatehouse.store.RecordingContent;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.UpstreamTls;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Connections. A {@link Credential} is stored as a kind column plus one nullable column per variant,
 * and CHECK constraints keep the columns consistent with the kind.
 */
final class JdbcConnectionRepository implements ConnectionRepository {
    private static final String SELECT = "SELECT name, type, target, connector, username, database_name,"
            + " credential_kind, credential_sealed, credential_reference, content, durability, upstream_tls,"
            + " created_at, updated_at FROM connections";

    private final Database database;
    private final Supplier<Instant> now;

    JdbcConnectionRepository(Database database, Supplier<Instant> now) {
        this.database = database;
        this.now = now;
    }

    @Override
    public ConnectionRecord create(ConnectionRecord connection) {
        Objects.requireNonNull(connection, "connection");
        Instant at = now.get();
        return database.write(sql -> {
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO connections (type, target,"
                    + " connector, username, database_name, credential_kind, credential_sealed,"
                    + " credential_reference, content, durability, updated_at, upstream_tls, name, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                bindFields(insert, connection, at);
                insert.setString(13, connection.name());
                insert.setLong(14, Jdbc.micros(at));
                if (insert.executeUpdate() == 0) {
                    throw new DuplicateException("connection '" + connection.name() + "' already exists");
                }
            }
            return first(query(sql, " WHERE name = ?", connection.name())).orElseThrow();
        });
    }

    @Override
    public Optional<ConnectionRecord> byName(String name) {
        return database.read(sql -> first(query(sql, " WHERE name = ?", name)));
    }

    @Override
    public List<ConnectionRecord> list() {
        return database.read(sql -> query(sql, " ORDER BY name", null));
    }

    @Override
    public ConnectionRecord update(ConnectionRecord connection) {
        Objects.requireNonNull(connection, "connection");
        Instant at = now.get();
        return database.write(sql -> {
            try (PreparedStatement update = sql.prepareStatement("UPDATE connections SET type = ?, target = ?,"
                    + " connector = ?, username = ?, database_name = ?, credential_kind = ?,"
                    + " credential_sealed = ?, credential_reference = ?, content = ?, durability = ?,"
                    + " updated_at = ?, upstream_tls = ? WHERE name = ?")) {
                bindFields(update, connection, at);
                update.setString(13, connection.name());
                if (update.executeUpdate() == 0) {
                    throw new NotFoundException("no connection named '" + connection.name() + "'");
                }
            }
            return first(query(sql, " WHERE name = ?", connection.name())).orElseThrow();
        });
    }

    @Override
    public boolean remove(String name) {
        // Grants reference connections ON DELETE CASCADE, so they go in the same statement.
        return database.write(sql -> {
            try (PreparedStatement delete = sql.prepareStatement("DELETE FROM connections WHERE name = ?")) {
                delete.setString(1, name);
                return delete.executeUpdate() > 0;
            }
        });
    }

    /** Parameters 1..12 in the order shared by the INSERT and UPDATE above; each binds the name itself. */
    private static void bindFields(PreparedStatement statement, ConnectionRecord connection, Instant updatedAt)
            throws SQLException {
        statement.setString(1, connection.type().wireName());
        statement.setString(2, connection.target());
        Jdbc.setNullableString(statement, 3, connection.connector());
        Jdbc.setNullableString(statement, 4, connection.username());
        Jdbc.setNullableString(statement, 5, connection.database());
        switch (connection.credential()) {
            case Credential.None none -> {
                statement.setString(6, "none");
                Jdbc.setNullableBytes(statement, 7, null);
                Jdbc.setNullableString(statement, 8, null);
            }
            case Credential.Encrypted encrypted -> {
                statement.setString(6, "encrypted");
                statement.setBytes(7, encrypted.sealed());
                Jdbc.setNullableString(statement, 8, null);
            }
            case Credential.Reference reference -> {
                statement.setString(6, "reference");
                Jdbc.setNullableBytes(statement, 7, null);
                statement.setString(8, reference.reference());
            }
        }
        statement.setString(9, connection.content().wireName());
        statement.setString(10, connection.durability().wireName());
        statement.setLong(11, Jdbc.micros(updatedAt));
        statement.setString(12, connection.upstreamTls().wireName());
    }

    private static List<ConnectionRecord> query(Connection sql, String where, String name) throws SQLException {
        try (PreparedStatement select = sql.prepareStatement(SELECT + where)) {
            if (name != null) {
                select.setString(1, name);
            }
            try (ResultSet rows = select.executeQuery()) {
                List<ConnectionRecord> connections = new ArrayList<>();
                while (rows.next()) {
                    connections.add(connection(rows));
                }
                return connections;
            }
        }
    }

    private static Optional<ConnectionRecord> first(List<ConnectionRecord> connections) {
        return connections.isEmpty() ? Optional.empty() : Optional.of(connections.get(0));
    }

    private static ConnectionRecord connection(ResultSet row) throws SQLException {
        return new ConnectionRecord(
                row.getString("name"),
                ConnectionType.parse(row.getString("type")),
                row.getString("target"),
                row.getString("connector"),
                row.getString("username"),
                row.getString("database_name"),
                credential(row),
                RecordingContent.parse(row.getString("content")),
                Durability.parse(row.getString("durability")),
                UpstreamTls.parse(row.getString("upstream_tls")),
                Jdbc.instant(row, "created_at"),
                Jdbc.instant(row, "updated_at"));
    }

    private static Credential credential(ResultSet row) throws SQLException {
        String kind = row.getString("credential_kind");
        return switch (kind) {
            case "none" -> new Credential.None();
            case "encrypted" -> new Credential.Encrypted(row.getBytes("credential_sealed"));
            case "reference" -> new Credential.Reference(row.getString("credential_reference"));
            default ->
                throw new StoreException("connection '" + row.getString("name") + "' has credential kind '" + kind
                        + "'; expected none, encrypted or reference");
        };
    }
}
