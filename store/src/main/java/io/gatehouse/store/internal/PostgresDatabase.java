package io.gatehouse.store.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The shared store: a PostgreSQL database behind a HikariCP pool.
 *
 * <p>Every connection runs with {@code synchronous_commit=on} whatever the server's default, because a
 * commit that returns before the WAL is flushed would break the gateway's fail-closed promise. Batched
 * inserts are rewritten into multi-row {@code INSERT}s by pgJDBC ({@code reWriteBatchedInserts}), which
 * is what makes the log's append path fast. {@code logServerErrorDetail=false} keeps row values (such
 * as a token hash in a unique-violation DETAIL) out of exception messages.
 */
final class PostgresDatabase implements Database {
    private static final long CONNECTION_TIMEOUT_MILLIS = 5_000;

    private final String displayUrl;
    private final HikariDataSource pool;

    private PostgresDatabase(String displayUrl, HikariDataSource pool) {
        this.displayUrl = displayUrl;
        this.pool = pool;
    }

    static PostgresDatabase open(StoreSettings settings, Consumer<DataSource> migrate) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("gatehouse-store");
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.username());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("options", "-c synchronous_commit=on");
        config.addDataSourceProperty("logServerErrorDetail", "false");
        config.addDataSourceProperty("ApplicationName", "gatehouse");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StoreException("store at " + settings.displayUrl() + " is unavailable: " + cause.getMessage(), e);
        }
        try {
            migrate.accept(pool);
            return new PostgresDatabase(settings.displayUrl(), pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    @Override
    public String dialect() {
        return "postgresql";
    }

    @Override
    public <T> T read(SqlWork<T> work) {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    @Override
    public <T> T write(SqlWork<T> work) {
        return write(work, false);
    }

    /** {@code SET LOCAL synchronous_commit = off}: this transaction's commit does not wait for its WAL flush. */
    @Override
    public <T> T writeDerived(SqlWork<T> work) {
        return write(work, true);
    }

    private <T> T write(SqlWork<T> work, boolean derived) {
        // HikariCP restores auto-commit when the connection goes back to the pool.
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            if (derived) {
                try (java.sql.Statement local = connection.createStatement()) {
                    local.execute("SET LOCAL synchronous_commit = off");
                }
            }
            boolean committed = false;
            try {
                T result = work.run(connection);
                connection.commit();
                committed = true;
                return result;
            } finally {
                if (!committed) {
                    rollbackQuietly(connection);
                }
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    @Override
    public boolean healthy() {
        try (Connection connection = pool.getConnection()) {
            return connection.isValid(1);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private StoreException translate(SQLException e) {
        return new StoreException(
                "store at " + displayUrl + ": " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")", e);
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // The connection may be broken; HikariCP evicts it, and the original error matters.
        }
    }
}
