package io.gatehouse.store.internal;

import io.gatehouse.store.DuplicateException;
import io.gatehouse.store.NotFoundException;
import io.gatehouse.store.TokenRecord;
import io.gatehouse.store.TokenRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

final class JdbcTokenRepository implements TokenRepository {
    private static final String SELECT = "SELECT id, identity_id, prefix, sha256, scram_salt, scram_iterations,"
            + " scram_stored_key, scram_server_key, created_at, expires_at, revoked_at, last_used_at FROM tokens";

    private final Database database;

    JdbcTokenRepository(Database database) {
        this.database = database;
    }

    @Override
    public void insert(TokenRecord token) {
        Objects.requireNonNull(token, "token");
        database.write(connection -> {
            requireIdentity(connection, token.identityId());
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO tokens (id, identity_id,"
                    + " prefix, sha256, scram_salt, scram_iterations, scram_stored_key, scram_server_key,"
                    + " created_at, expires_at, revoked_at, last_used_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, token.id());
                insert.setLong(2, token.identityId());
                insert.setString(3, token.prefix());
                insert.setBytes(4, token.sha256());
                insert.setBytes(5, token.scramSalt());
                insert.setInt(6, token.scramIterations());
                insert.setBytes(7, token.scramStoredKey());
                insert.setBytes(8, token.scramServerKey());
                Jdbc.setInstant(insert, 9, token.createdAt());
                Jdbc.setInstant(insert, 10, token.expiresAt());
                Jdbc.setInstant(insert, 11, token.revokedAt());
                Jdbc.setInstant(insert, 12, token.lastUsedAt());
                if (insert.executeUpdate() == 0) {
                    // Either key may clash; the hash is not named, the id is enough to act on.
                    throw new DuplicateException("token '" + token.id() + "' already exists (same id or same token)");
                }
            }
            return null;
        });
    }

    @Override
    public Optional<TokenRecord> bySha256(byte[] sha256) {
        Objects.requireNonNull(sha256, "sha256");
        return database.read(connection -> first(query(connection, " WHERE sha256 = ?", sha256)));
    }

    @Override
    public Optional<TokenRecord> byId(String id) {
        return database.read(connection -> first(query(connection, " WHERE id = ?", id)));
    }

    @Override
    public List<TokenRecord> list() {
        return database.read(connection -> query(connection, " ORDER BY created_at, id", null));
    }

    @Override
    public List<TokenRecord> forIdentity(long identityId) {
        return database.read(
                connection -> query(connection, " WHERE identity_id = ? ORDER BY created_at, id", identityId));
    }

    @Override
    public boolean revoke(String id, Instant at) {
        Objects.requireNonNull(at, "at");
        return database.write(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                Jdbc.setInstant(update, 1, at);
                update.setString(2, id);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void touch(String id, Instant at) {
        Objects.requireNonNull(at, "at");
        database.write(connection -> {
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE tokens SET last_used_at = ? WHERE id = ?")) {
                Jdbc.setInstant(update, 1, at);
                update.setString(2, id);
                if (update.executeUpdate() == 0) {
                    throw new NotFoundException("no token with id '" + id + "'");
                }
            }
            return null;
        });
    }

    private static void requireIdentity(Connection connection, long identityId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM identities WHERE id = ?")) {
            select.setLong(1, identityId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new NotFoundException("no identity with id " + identityId);
                }
            }
        }
    }

    private static List<TokenRecord> query(Connection connection, String where, Object key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT + where)) {
            if (key != null) {
                select.setObject(1, key);
            }
            try (ResultSet rows = select.executeQuery()) {
                List<TokenRecord> tokens = new ArrayList<>();
                while (rows.next()) {
                    tokens.add(token(rows));
                }
                return tokens;
            }
        }
    }

    private static Optional<TokenRecord> first(List<TokenRecord> tokens) {
        return tokens.isEmpty() ? Optional.empty() : Optional.of(tokens.get(0));
    }

    private static TokenRecord token(ResultSet row) throws SQLException {
        return new TokenRecord(
                row.getString("id"),
                row.getLong("identity_id"),
                row.getString("prefix"),
                row.getBytes("sha256"),
                row.getBytes("scram_salt"),
                row.getInt("scram_iterations"),
                row.getBytes("scram_stored_key"),
                row.getBytes("scram_server_key"),
                Jdbc.instant(row, "created_at"),
                Jdbc.instant(row, "expires_at"),
                Jdbc.instant(row, "revoked_at"),
                Jdbc.instant(row, "last_used_at"));
    }
}
