package io.gatehouse.store.internal;

import io.gatehouse.store.DuplicateException;
import io.gatehouse.store.Identity;
import io.gatehouse.store.IdentityKind;
import io.gatehouse.store.IdentityRepository;
import io.gatehouse.store.NotFoundException;
import io.gatehouse.store.Role;
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

final class JdbcIdentityRepository implements IdentityRepository {
    private static final String COLUMNS = "id, name, kind, role, disabled, scram_salt, created_at";

    private final Database database;
    private final Supplier<Instant> now;

    JdbcIdentityRepository(Database database, Supplier<Instant> now) {
        this.database = database;
        this.now = now;
    }

    @Override
    public Identity create(String name, IdentityKind kind, Role role, byte[] scramSalt) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(scramSalt, "scramSalt");
        Instant createdAt = now.get();
        return database.write(connection -> {
            // ON CONFLICT DO NOTHING instead of catching a unique violation: portable, and it does not
            // abort the surrounding PostgreSQL transaction.
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO identities (name, kind, role, disabled, scram_salt, created_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, name);
                insert.setString(2, kind.wireName());
                insert.setString(3, role.wireName());
                insert.setBoolean(4, false);
                insert.setBytes(5, scramSalt);
                insert.setLong(6, Jdbc.micros(createdAt));
                if (insert.executeUpdate() == 0) {
                    throw new DuplicateException("identity '" + name + "' already exists");
                }
            }
            return find(connection, "name = ?", name).orElseThrow();
        });
    }

    @Override
    public Optional<Identity> byName(String name) {
        return database.read(connection -> find(connection, "name = ?", name));
    }

    @Override
    public Optional<Identity> byId(long id) {
        return database.read(connection -> find(connection, "id = ?", id));
    }

    @Override
    public List<Identity> list() {
        return database.read(connection -> {
            try (PreparedStatement select =
                            connection.prepareStatement("SELECT " + COLUMNS + " FROM identities ORDER BY name");
                    ResultSet rows = select.executeQuery()) {
                List<Identity> identities = new ArrayList<>();
                while (rows.next()) {
                    identities.add(identity(rows));
                }
                return identities;
            }
        });
    }

    @Override
    public Identity setDisabled(String name, boolean disabled) {
        return database.write(connection -> {
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE identities SET disabled = ? WHERE name = ?")) {
                update.setBoolean(1, disabled);
                update.setString(2, name);
                if (update.executeUpdate() == 0) {
                    throw new NotFoundException("no identity named '" + name + "'");
                }
            }
            return find(connection, "name = ?", name).orElseThrow();
        });
    }

    @Override
    public long count() {
        return database.read(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM identities");
                    ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    private static Optional<Identity> find(Connection connection, String condition, Object key) throws SQLException {
        try (PreparedStatement select =
                connection.prepareStatement("SELECT " + COLUMNS + " FROM identities WHERE " + condition)) {
            select.setObject(1, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(identity(rows)) : Optional.empty();
            }
        }
    }

    private static Identity identity(ResultSet row) throws SQLException {
        return new Identity(
                row.getLong("id"),
                row.getString("name"),
                IdentityKind.parse(row.getString("kind")),
                Role.parse(row.getString("role")),
                row.getBoolean("disabled"),
                row.getBytes("scram_salt"),
                Jdbc.instant(row.getLong("created_at")));
    }
}
