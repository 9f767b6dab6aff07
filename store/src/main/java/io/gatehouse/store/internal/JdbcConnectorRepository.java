package io.gatehouse.store.internal;

import io.gatehouse.store.ConnectorRecord;
import io.gatehouse.store.ConnectorRepository;
import io.gatehouse.store.DuplicateException;
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

/** Connectors; the token is kept as its id and SHA-256 only. */
final class JdbcConnectorRepository implements ConnectorRepository {
    private static final String SELECT = "SELECT name, token_id, token_sha256, created_at, last_seen_at,"
            + " last_address, last_version FROM connectors";

    private final Database database;
    private final Supplier<Instant> now;

    JdbcConnectorRepository(Database database, Supplier<Instant> now) {
        this.database = database;
        this.now = now;
    }

    @Override
    public ConnectorRecord create(ConnectorRecord connector) {
        Objects.requireNonNull(connector, "connector");
        Instant at = now.get();
        return database.write(sql -> {
            try (PreparedStatement insert = sql.prepareStatement("INSERT INTO connectors (name, token_id,"
                    + " token_sha256, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, connector.name());
                insert.setString(2, connector.tokenId());
                insert.setBytes(3, connector.tokenSha256());
                insert.setLong(4, Jdbc.micros(at));
                if (insert.executeUpdate() == 0) {
                    throw new DuplicateException(
                            first(query(sql, " WHERE name = ?", connector.name()))
                                            .isPresent()
                                    ? "connector '" + connector.name() + "' already exists"
                                    : "connector token '" + connector.tokenId() + "' is already registered");
                }
            }
            return first(query(sql, " WHERE name = ?", connector.name())).orElseThrow();
        });
    }

    @Override
    public Optional<ConnectorRecord> byName(String name) {
        return database.read(sql -> first(query(sql, " WHERE name = ?", name)));
    }

    @Override
    public Optional<ConnectorRecord> byTokenSha256(byte[] sha256) {
        Objects.requireNonNull(sha256, "sha256");
        return database.read(sql -> first(query(sql, " WHERE token_sha256 = ?", sha256)));
    }

    @Override
    public List<ConnectorRecord> list() {
        return database.read(sql -> query(sql, " ORDER BY name", null));
    }

    @Override
    public boolean seen(String name, Instant at, String address, String version) {
        return database.write(sql -> {
            try (PreparedStatement update = sql.prepareStatement(
                    "UPDATE connectors SET last_seen_at = ?," + " last_address = ?, last_version = ? WHERE name = ?")) {
                Jdbc.setInstant(update, 1, at);
                Jdbc.setNullableString(update, 2, address);
                Jdbc.setNullableString(update, 3, version);
                update.setString(4, name);
                return update.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean remove(String name) {
        return database.write(sql -> {
            try (PreparedStatement delete = sql.prepareStatement("DELETE FROM connectors WHERE name = ?")) {
                delete.setString(1, name);
                return delete.executeUpdate() > 0;
            }
        });
    }

    private static List<ConnectorRecord> query(Connection sql, String where, Object key) throws SQLException {
        try (PreparedStatement select = sql.prepareStatement(SELECT + where)) {
            if (key instanceof String text) {
                select.setString(1, text);
            } else if (key instanceof byte[] bytes) {
                select.setBytes(1, bytes);
            }
            try (ResultSet rows = select.executeQuery()) {
                List<ConnectorRecord> connectors = new ArrayList<>();
                while (rows.next()) {
                    connectors.add(new ConnectorRecord(
                            rows.getString("name"),
                            rows.getString("token_id"),
                            rows.getBytes("token_sha256"),
                            Jdbc.instant(rows, "created_at"),
                            Jdbc.instant(rows, "last_seen_at"),
                            rows.getString("last_address"),
                            rows.getString("last_version")));
                }
                return connectors;
            }
        }
    }

    private static Optional<ConnectorRecord> first(List<ConnectorRecord> connectors) {
        return connectors.isEmpty() ? Optional.empty() : Optional.of(connectors.get(0));
    }
}
