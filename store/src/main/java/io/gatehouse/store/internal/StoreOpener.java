package io.gatehouse.store.internal;

import io.gatehouse.store.Store;
import io.gatehouse.store.StoreException;
import io.gatehouse.store.StoreSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/** Picks the dialect from the URL, opens its {@link Database} and migrates it. */
public final class StoreOpener {
    private StoreOpener() {}

    public static Store open(StoreSettings settings, Clock clock) {
        return open(settings, clock, JournaledLogRepository.DEFAULT_MAX_BYTES);
    }

    /** {@link #open} with a commit journal of {@code journalBytes} (tests of its wrap-around). */
    static Store open(StoreSettings settings, Clock clock, long journalBytes) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        Database database;
        if (settings.isSqlite()) {
            Path file = settings.sqliteFile();
            String location = file.toString();
            database = SqliteDatabase.open(
                    file,
                    settings.poolSize(),
                    dataSource ->
                            Migrations.migrate(dataSource, "sqlite", location, e -> SqliteDatabase.translate(file, e)));
            try {
                Database index = SqliteDatabase.openIndex(indexFile(file), file, settings.poolSize());
                try {
                    return new JdbcStore(
                            database, index, clock, journalFile(file), settings.commitJournal(), journalBytes);
                } catch (RuntimeException e) {
                    index.close();
                    throw e;
                }
            } catch (RuntimeException e) {
                database.close();
                throw e;
            }
        } else {
            String location = settings.displayUrl();
            database = PostgresDatabase.open(
                    settings,
                    dataSource -> Migrations.migrate(
                            dataSource,
                            "postgresql",
                            location,
                            e -> new StoreException("store at " + location + ": " + e.getMessage(), e)));
        }
        return new JdbcStore(database, database, clock);
    }

    /**
     * The embedded store's commit journal lives next to the store file, as {@code <store file>.commits} (not
     * {@code -journal}: that name is SQLite's own rollback journal); see {@link CommitJournal}.
     */
    public static Path journalFile(Path storeFile) {
        return storeFile.resolveSibling(storeFile.getFileName() + ".commits");
    }

    /**
     * The embedded store's sessions index lives next to the store file, as {@code <store file>.index} (with its
     * own {@code -wal} and {@code -shm}); see {@code db/index/sqlite-sessions-index.sql}.
     */
    public static Path indexFile(Path storeFile) {
        return storeFile.resolveSibling(storeFile.getFileName() + ".index");
    }
}
