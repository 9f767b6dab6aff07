package io.gatehouse.store.internal;

import io.gatehouse.store.StoreCorruptException;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreVersionException;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.exception.FlywayValidateException;

/**
 * Creates or upgrades the schema with Flyway ({@code db/migration/<dialect>/V<n>__*.sql}; history in
 * Flyway's default table {@code flyway_schema_history}).
 *
 * <p>A store is only ever moved forward by this build's own migrations. Flyway by default ignores
 * applied migrations it does not know ("future" ones) and carries on; here that means a newer gatehouse
 * wrote the schema, and running against it could corrupt data it expects, so it is refused with {@link
 * StoreVersionException}. Checksum mismatches (a different build's V1) are refused the same way, and
 * nothing calls {@code repair}, {@code baseline} or {@code clean}: the store is never silently
 * "fixed".
 */
final class Migrations {
    private Migrations() {}

    static void migrate(
            DataSource dataSource, String dialect, String location, Function<SQLException, StoreException> translate) {
        Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration/" + dialect)
                .failOnMissingLocations(true)
                .validateMigrationNaming(true)
                .cleanDisabled(true)
                .baselineOnMigrate(false)
                .outOfOrder(false)
                .load();
        try {
            refuseNewerSchema(flyway.info().all(), location);
            flyway.migrate();
        } catch (FlywayValidateException e) {
            throw new StoreVersionException(
                    "store at " + location + " has a schema this gatehouse did not write (" + firstLine(e)
                            + "); it was left unchanged",
                    e);
        } catch (FlywayException e) {
            Optional<SQLException> sql = sqlCause(e);
            if (sql.isPresent()) {
                throw translate.apply(sql.get());
            }
            if (String.valueOf(e.getMessage()).contains("no schema history table")) {
                throw new StoreCorruptException("store at " + location
                        + " is not a Gatehouse store or is corrupt: it holds tables but no Gatehouse schema history");
            }
            throw new StoreException("store at " + location + ": migration failed: " + firstLine(e), e);
        }
    }

    private static void refuseNewerSchema(MigrationInfo[] migrations, String location) {
        Optional<MigrationVersion> newest = Arrays.stream(migrations)
                .filter(m ->
                        m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED)
                .map(MigrationInfo::getVersion)
                .max(Comparator.naturalOrder());
        if (newest.isEmpty()) {
            return;
        }
        String supported = Arrays.stream(migrations)
                .filter(m -> m.getState().isResolved())
                .map(MigrationInfo::getVersion)
                .max(Comparator.naturalOrder())
                .map(MigrationVersion::getVersion)
                .orElse("none");
        throw new StoreVersionException("store schema version " + newest.get().getVersion()
                + " is newer than this gatehouse supports (" + supported + "); upgrade gatehouse (store at "
                + location + ")");
    }

    private static Optional<SQLException> sqlCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }
}
