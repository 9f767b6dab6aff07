package io.gatehouse.store.internal;

import io.gatehouse.store.DuplicateException;
import io.gatehouse.store.Grant;
import io.gatehouse.store.GrantRepository;
import io.gatehouse.store.NotFoundException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Grants are stored by id and presented by name. */
final class JdbcGrantRepository implements GrantRepository {
    private static final String SELECT = "SELECT i.name AS identity_name, c.name AS connection_name, g.created_at"
            + " FROM grants g JOIN identities i ON i.id = g.identity_id JOIN connections c ON c.id = g.connection_id";

    private final Database database;
    private final Supplier<Instant> now;

    JdbcGrantRepository(Database database, Supplier<Instant> now) {
        this.database = database;
        this.now = now;
    }

    @Override
    public Grant add(String identity, String connection) {
        Instant at = now.get();
        return database.write(sql -> {
            long identityId = idOf(sql, "identities", "identity", identity);
            long connectionId = idOf(sql, "connections", "connection", connection);
            try (PreparedStatement insert =
                    sql.prepareStatement("INSERT INTO grants (identity_id, connection_id, created_at) VALUES (?, ?, ?)"
                            + " ON CONFLICT DO NOTHING")) {
                insert.setLong(1, identityId);
                insert.setLong(2, connectionId);
                insert.setLong(3, Jdbc.micros(at));
                if (insert.executeUpdate() == 0) {
                    throw new DuplicateException(
                            "identity '" + identity + "' already has a grant on connection '" + connection + "'");
                }
            }
            return new Grant(identity, connection, at);
        });
    }

    @Override
    public boolean remove(String identity, String connection) {
        return database.write(sql -> {
            try (PreparedStatement delete = sql.prepareStatement("DELETE FROM grants"
                    + " WHERE identity_id = (SELECT id FROM identities WHERE name = ?)"
                    + " AND connection_id = (SELECT id FROM connections WHERE name = ?)")) {
                delete.setString(1, identity);
                delete.setString(2, connection);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public List<Grant> list() {
        return database.read(sql -> query(sql, " ORDER BY i.name, c.name"));
    }

    @Override
    public List<Grant> forIdentity(String identity) {
        return database.read(sql -> query(sql, " WHERE i.name = ? ORDER BY c.name", identity));
    }

    @Override
    public boolean exists(String identity, String connection) {
        return !database.read(sql -> query(sql, " WHERE i.name = ? AND c.name = ?", identity, connection))
                .isEmpty();
    }

    private static long idOf(Connection sql, String table, String what, String name) throws SQLException {
        try (PreparedStatement select = sql.prepareStatement("SELECT id FROM " + table + " WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new NotFoundException("no " + what + " named '" + name + "'");
                }
                return rows.getLong(1);
            }
        }
    }

    private static List<Grant> query(Connection sql, String where, String... names) throws SQLException {
        try (PreparedStatement select = sql.prepareStatement(SELECT + where)) {
            for (int i = 0; i < names.length; i++) {
                select.setString(i + 1, names[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                List<Grant> grants = new ArrayList<>();
                while (rows.next()) {
                    grants.add(new Grant(
                            rows.getString("identity_name"),
                            rows.getString("connection_name"),
                            Jdbc.instant(rows.getLong("created_at"))));
                }
                return grants;
            }
        }
    }
}
