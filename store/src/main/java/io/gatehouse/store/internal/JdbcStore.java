package io.gatehouse.store.internal;

import io.gatehouse.store.ConnectionRepository;
import io.gatehouse.store.ConnectorRepository;
import io.gatehouse.store.GrantRepository;
import io.gatehouse.store.IdentityRepository;
import io.gatehouse.store.LogRepository;
import io.gatehouse.store.SessionIndexer;
import io.gatehouse.store.SessionRepository;
import io.gatehouse.store.Store;
import io.gatehouse.store.TokenRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * The store over either dialect. The repositories share one {@link Database}, except the sessions index: on
 * SQLite it is a file of its own with its own write lock (see {@code db/index/sqlite-sessions-index.sql}), on
 * PostgreSQL the same database (row locks, so the index does not hold up the log).
 */
final class JdbcStore implements Store {
    private final Database database;
    private final Database index;
    private final IdentityRepository identities;
    private final TokenRepository tokens;
    private final ConnectionRepository connections;
    private final GrantRepository grants;
    private final LogRepository log;
    private final JournaledLogRepository journaled;
    private final ConnectorRepository connectors;
    private final SessionRepository sessions;
    private final SessionIndexer sessionIndexer;

    JdbcStore(Database database, Database index, Clock clock) {
        this(database, index, clock, null, false, JournaledLogRepository.DEFAULT_MAX_BYTES);
    }

    /**
     * @param journal the embedded store's commit journal file, or null (PostgreSQL); only with a {@link
     *     SqliteDatabase}
     * @param lockJournal appends go through the journal ({@link JournaledLogRepository}); otherwise what a
     *     stopped gateway left in it is applied, and appends go straight to the store
     */
    JdbcStore(Database database, Database index, Clock clock, Path journal, boolean lockJournal, long journalBytes) {
        this.database = database;
        this.index = index;
        // Stored times have microsecond precision; stamping at that precision keeps returned records
        // equal to what a later read gives back.
        Supplier<Instant> now = () -> clock.instant().truncatedTo(ChronoUnit.MICROS);
        this.identities = new JdbcIdentityRepository(database, now);
        this.tokens = new JdbcTokenRepository(database);
        this.connections = new JdbcConnectionRepository(database, now);
        this.grants = new JdbcGrantRepository(database, now);
        JdbcLogRepository logTables = new JdbcLogRepository(database, now);
        if (journal != null && !lockJournal) {
            JournaledLogRepository.applyLeftovers(logTables, (SqliteDatabase) database, journal);
        }
        this.journaled = journal == null || !lockJournal
                ? null
                : JournaledLogRepository.open(logTables, (SqliteDatabase) database, journal, journalBytes);
        this.log = journaled == null ? logTables : journaled;
        this.connectors = new JdbcConnectorRepository(database, now);
        this.sessions = new JdbcSessionRepository(index);
        this.sessionIndexer = new JdbcSessionIndexer(index, log);
    }

    @Override
    public String dialect() {
        return database.dialect();
    }

    @Override
    public IdentityRepository identities() {
        return identities;
    }

    @Override
    public TokenRepository tokens() {
        return tokens;
    }

    @Override
    public ConnectionRepository connections() {
        return connections;
    }

    @Override
    public GrantRepository grants() {
        return grants;
    }

    @Override
    public ConnectorRepository connectors() {
        return connectors;
    }

    @Override
    public LogRepository log() {
        return log;
    }

    @Override
    public SessionRepository sessions() {
        return sessions;
    }

    @Override
    public SessionIndexer sessionIndexer() {
        return sessionIndexer;
    }

    @Override
    public boolean healthy() {
        // The recorder's store; the sessions index only serves reading back and rebuilds itself.
        // Readable, as for PostgreSQL. Whether appends are durable is the recorder's state: with the commit
        // journal they are while SQLite refuses writes, until the journal is full (a warning is logged).
        return database.healthy();
    }

    @Override
    public long journalBehind() {
        return journaled == null ? 0 : journaled.behind();
    }

    @Override
    public boolean journalApplying() {
        return journaled == null || journaled.applying();
    }

    @Override
    public void close() {
        if (journaled != null) {
            journaled.close(); // applies what it holds while the database is still open
        }
        if (index != database) {
            index.close();
        }
        database.close();
    }
}
