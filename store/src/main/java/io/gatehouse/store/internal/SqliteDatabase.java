package io.gatehouse.store.internal;

import io.gatehouse.store.StoreCorruptException;
import io.gatehouse.store.StoreException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded store: one SQLite file in WAL mode.
 *
 * <p>SQLite allows one writer at a time per file, and a writer that waits on another's lock is the
 * classic source of {@code SQLITE_BUSY}. So all writes of this process go through one dedicated
 * connection, serialized by a lock, each in a {@code BEGIN IMMEDIATE} transaction (the write lock is
 * taken up front, never upgraded mid-transaction). Reads use a fixed set of other connections: in WAL
 * mode readers see the last committed state and are never blocked by the writer.
 *
 * <p>{@code synchronous=FULL} makes every commit durable (the WAL is fsynced) before the call returns;
 * the gateway's fail-closed promise depends on that.
 */
final class SqliteDatabase implements Database {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;

    private final Path file;
    /** Names the file in errors: "store" or "sessions index". */
    private final String role;
    /** The sessions index file: every commit is {@code synchronous=NORMAL} (derived data). */
    private final boolean derivedOnly;

    private final Connection writer;
    /** The writer's transaction control, prepared once (guarded by {@link #writeLock}). */
    private PreparedStatement begin;

    private PreparedStatement commit;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final BlockingQueue<Connection> readers;
    private final List<Connection> allReaders;

    private SqliteDatabase(Path file, String role, boolean derivedOnly, Connection writer, List<Connection> readers) {
        this.file = file;
        this.role = role;
        this.derivedOnly = derivedOnly;
        this.writer = writer;
        this.allReaders = List.copyOf(readers);
        this.readers = new ArrayBlockingQueue<>(readers.size(), false, readers);
    }

    /** Opens the writer first, so that a file that is not a database is reported before anything else. */
    static SqliteDatabase open(Path file, int readerCount, Consumer<DataSource> migrate) {
        createParentDirectory(file);
        Connection writer = connect(file, writerConfig());
        List<Connection> readers = new ArrayList<>();
        try {
            // Flyway opens its own connections; give it the writer's settings.
            SQLiteDataSource migrationSource = new SQLiteDataSource(writerConfig());
            migrationSource.setUrl(url(file));
            migrate.accept(migrationSource);
            for (int i = 0; i < readerCount; i++) {
                readers.add(connectReader(file));
            }
            return new SqliteDatabase(file, "store", false, writer, readers);
        } catch (RuntimeException e) {
            readers.forEach(SqliteDatabase::closeQuietly);
            closeQuietly(writer);
            throw e;
        }
    }

    /**
     * Opens the sessions index: its own file, with the store's file attached read-only to every connection as
     * schema {@code log}, so the index's queries can join the store's {@code logs} while its transactions lock
     * only the index file (an attached database is locked only when it is written, and this one cannot be).
     * An index file of another schema version, or one that is not readable, is deleted and created afresh: it
     * is derived data that the indexer rebuilds from the log.
     */
    static SqliteDatabase openIndex(Path indexFile, Path storeFile, int readerCount) {
        createParentDirectory(indexFile);
        try {
            return openIndexOnce(indexFile, storeFile, readerCount);
        } catch (SqliteIndexSchema.StaleIndexException | StoreCorruptException e) {
            LOG.warn(
                    "sessions index {}: {}; deleting it, the index is rebuilt from the log", indexFile, e.getMessage());
            deleteWithJournal(indexFile);
            return openIndexOnce(indexFile, storeFile, readerCount);
        }
    }

    private static SqliteDatabase openIndexOnce(Path indexFile, Path storeFile, int readerCount) {
        Connection writer = connect(indexFile, indexWriterConfig(), "sessions index");
        List<Connection> readers = new ArrayList<>();
        try {
            SqliteIndexSchema.ensure(writer);
            attachStore(writer, indexFile, storeFile);
            for (int i = 0; i < readerCount; i++) {
                Connection reader = connectReader(indexFile, "sessions index");
                readers.add(reader);
                attachStore(reader, indexFile, storeFile);
            }
            return new SqliteDatabase(indexFile, "sessions index", true, writer, readers);
        } catch (SQLException e) {
            readers.forEach(SqliteDatabase::closeQuietly);
            closeQuietly(writer);
            throw translate(indexFile, "sessions index", e);
        } catch (RuntimeException e) {
            readers.forEach(SqliteDatabase::closeQuietly);
            closeQuietly(writer);
            throw e;
        }
    }

    /** A URI with {@code mode=ro} (https://sqlite.org/uri.html): this connection can never write the store. */
    private static void attachStore(Connection connection, Path indexFile, Path storeFile) throws SQLException {
        String uri;
        try {
            uri = new URI("file", null, storeFile.toAbsolutePath().toString(), "mode=ro", null).toASCIIString();
        } catch (URISyntaxException e) {
            throw new StoreException("sessions index " + indexFile + ": cannot name the store file " + storeFile, e);
        }
        try (PreparedStatement attach = connection.prepareStatement("ATTACH DATABASE ? AS log")) {
            attach.setString(1, uri);
            attach.execute();
        }
    }

    private static void deleteWithJournal(Path file) {
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
            Path path = file.resolveSibling(file.getFileName() + suffix);
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new StoreException("cannot delete the stale sessions index " + path + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String dialect() {
        return "sqlite";
    }

    @Override
    public <T> T read(SqlWork<T> work) {
        Connection reader = takeReader();
        try {
            return work.run(reader);
        } catch (SQLException e) {
            throw translate(file, role, e);
        } finally {
            readers.add(reader);
        }
    }

    @Override
    public <T> T write(SqlWork<T> work) {
        return write(work, false);
    }

    /**
     * In WAL mode, {@code synchronous=NORMAL} commits without syncing the WAL (SQLite's "WAL mode"
     * documentation: durability waits for the next sync); the setting is per connection, so it is switched
     * for this transaction only and back to FULL under the same lock.
     */
    @Override
    public <T> T writeDerived(SqlWork<T> work) {
        return write(work, true);
    }

    private <T> T write(SqlWork<T> work, boolean derived) {
        writeLock.lock();
        try {
            if (begin == null) {
                begin = writer.prepareStatement("BEGIN IMMEDIATE");
                commit = writer.prepareStatement("COMMIT");
            }
            boolean switchSync = derived && !derivedOnly;
            if (switchSync) {
                try (Statement pragma = writer.createStatement()) {
                    pragma.execute("PRAGMA synchronous=NORMAL");
                }
            }
            try {
                begin.execute();
                boolean committed = false;
                try {
                    T result = work.run(writer);
                    commit.execute();
                    committed = true;
                    return result;
                } finally {
                    if (!committed) {
                        rollbackQuietly(writer);
                    }
                }
            } finally {
                if (switchSync) {
                    try (Statement pragma = writer.createStatement()) {
                        pragma.execute("PRAGMA synchronous=FULL");
                    }
                }
            }
        } catch (SQLException e) {
            forgetTransactionStatements();
            throw translate(file, role, e);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Makes every transaction committed so far durable, including those committed by {@link #writeDerived}
     * ({@code synchronous=NORMAL}): {@code fsync} of the WAL file, where they are, and of the database file,
     * which checkpoints copy them into (SQLite syncs the WAL before a checkpoint copies from it, so the
     * database file never holds what the WAL lost). {@code fsync} acts on the file, so a descriptor of our
     * own does; SQLite's locks are not needed for it.
     */
    void syncFiles() {
        for (String suffix : new String[] {"-wal", ""}) {
            Path path = file.resolveSibling(file.getFileName() + suffix);
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                channel.force(true);
            } catch (NoSuchFileException e) {
                // no WAL file: nothing was written since the last checkpoint truncated it
            } catch (IOException e) {
                throw new StoreException(role + " " + file + ": cannot sync " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * sqlite-jdbc finalizes a prepared statement whose step fails with anything but BUSY, LOCKED, CONSTRAINT
     * or MISUSE ({@code DB.execute}): after an I/O error or {@code SQLITE_FULL} at COMMIT (a full disk), the
     * cached COMMIT would answer "statement is not executing" to every later write, and the store would
     * never write again until the gateway restarted, although the disk had room again. So a failed write
     * drops the cached transaction statements and the next write prepares them afresh. Caller holds the
     * write lock.
     */
    private void forgetTransactionStatements() {
        for (PreparedStatement statement : new PreparedStatement[] {begin, commit}) {
            if (statement != null) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    // already finalized by the driver; the write's own error is the one reported
                }
            }
        }
        begin = null;
        commit = null;
    }

    @Override
    public boolean healthy() {
        try {
            return read(connection -> probe(connection)) && writer.isValid(1);
        } catch (StoreException | SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            closeQuietly(writer);
            allReaders.forEach(SqliteDatabase::closeQuietly);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * {@code SQLITE_NOTADB} and {@code SQLITE_CORRUPT} mean the file itself is wrong, which no retry
     * fixes; everything else (busy, I/O, constraint) is an ordinary failure.
     */
    static StoreException translate(Path file, SQLException e) {
        return translate(file, "store", e);
    }

    private static StoreException translate(Path file, String role, SQLException e) {
        if (e instanceof SQLiteException sqlite
                && (sqlite.getResultCode() == SQLiteErrorCode.SQLITE_NOTADB
                        || sqlite.getResultCode() == SQLiteErrorCode.SQLITE_CORRUPT)) {
            return new StoreCorruptException(
                    role + " at " + file + " is not a Gatehouse " + role + " or is corrupt: " + e.getMessage(), e);
        }
        return new StoreException(role + " at " + file + ": " + e.getMessage(), e);
    }

    private static boolean probe(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.executeQuery("SELECT 1").next();
        }
    }

    private Connection takeReader() {
        try {
            return readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a store connection", e);
        }
    }

    private static SQLiteConfig commonConfig() {
        SQLiteConfig config = new SQLiteConfig();
        config.enforceForeignKeys(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        return config;
    }

    private static SQLiteConfig writerConfig() {
        SQLiteConfig config = commonConfig();
        // Persistent in the file once set; only the writer (and Flyway, before it) sets it.
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // The log's append path touches the same index pages over and over: a 64 MiB page cache keeps them
        // hot, and checkpointing every ~40 MiB of WAL instead of every 4 MiB copies each page back once
        // instead of many times. Durability is unchanged: every commit still fsyncs the WAL.
        config.setCacheSize(-65536);
        config.setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "10000");
        return config;
    }

    /**
     * The index's writer: WAL and {@code synchronous=NORMAL} for every commit (no fsync per commit; the index is
     * rebuilt from the log if a power loss takes its last transactions), and a smaller page cache than the
     * store's.
     */
    private static SQLiteConfig indexWriterConfig() {
        SQLiteConfig config = commonConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setCacheSize(-32768);
        return config;
    }

    /** A reader that tried to write would contend with the writer; query_only makes that a plain error. */
    private static Connection connectReader(Path file) {
        return connectReader(file, "store");
    }

    private static Connection connectReader(Path file, String role) {
        Connection reader = connect(file, commonConfig(), role);
        try (Statement statement = reader.createStatement()) {
            statement.execute("PRAGMA query_only = ON");
            return reader;
        } catch (SQLException e) {
            closeQuietly(reader);
            throw translate(file, role, e);
        }
    }

    private static Connection connect(Path file, SQLiteConfig config) {
        return connect(file, config, "store");
    }

    private static Connection connect(Path file, SQLiteConfig config, String role) {
        try {
            return config.createConnection(url(file));
        } catch (SQLException e) {
            throw translate(file, role, e);
        }
    }

    private static String url(Path file) {
        return "jdbc:sqlite:" + file;
    }

    private static void createParentDirectory(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the directory of store " + file + ": " + e.getMessage(), e);
        }
    }

    private static void rollbackQuietly(Connection writer) {
        try (Statement control = writer.createStatement()) {
            control.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite may already have rolled back (e.g. after SQLITE_FULL); the original error matters.
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // Closing; nothing left to do with this connection.
        }
    }
}
