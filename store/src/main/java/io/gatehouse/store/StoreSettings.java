package io.gatehouse.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the store lives.
 *
 * @param url {@code jdbc:sqlite:PATH} (embedded) or {@code jdbc:postgresql://...} (shared)
 * @param username database user, or null (SQLite, or a URL that carries it)
 * @param password database password, or null; never printed by {@link #toString()}
 * @param poolSize PostgreSQL: connections in the pool; SQLite: reader connections (the writer is one
 *     extra, dedicated connection)
 * @param commitJournal SQLite only: make log appends durable in a commit journal next to the store file
 *     ({@code <file>.commits}) and apply them to SQLite behind it; for the gateway, which is the log's only
 *     writer and locks the journal. Off by default (tools that read the store, tests of the store itself).
 */
public record StoreSettings(String url, String username, String password, int poolSize, boolean commitJournal) {
    static final int DEFAULT_POOL_SIZE = 8;
    private static final String SQLITE_PREFIX = "jdbc:sqlite:";
    private static final String POSTGRESQL_PREFIX = "jdbc:postgresql:";

    public StoreSettings {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith(SQLITE_PREFIX) && !url.startsWith(POSTGRESQL_PREFIX)) {
            throw new IllegalArgumentException("unsupported store url '" + redactedUrl(url)
                    + "'; expected jdbc:sqlite:PATH or jdbc:postgresql://HOST/DATABASE");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("store pool size " + poolSize + " must be at least 1");
        }
    }

    public StoreSettings(String url, String username, String password, int poolSize) {
        this(url, username, password, poolSize, false);
    }

    /** An embedded store in one SQLite file. */
    public static StoreSettings sqlite(Path file) {
        return new StoreSettings(SQLITE_PREFIX + file.toAbsolutePath(), null, null, DEFAULT_POOL_SIZE);
    }

    /** A store at {@code url} with credentials (if any) in the URL and the default pool size. */
    public static StoreSettings of(String url) {
        return new StoreSettings(url, null, null, DEFAULT_POOL_SIZE);
    }

    public StoreSettings withCredentials(String username, String password) {
        return new StoreSettings(url, username, password, poolSize, commitJournal);
    }

    public StoreSettings withPoolSize(int poolSize) {
        return new StoreSettings(url, username, password, poolSize, commitJournal);
    }

    /** With or without the embedded store's commit journal (ignored for PostgreSQL). */
    public StoreSettings withCommitJournal(boolean enabled) {
        return new StoreSettings(url, username, password, poolSize, enabled);
    }

    /** True for the embedded SQLite store. */
    public boolean isSqlite() {
        return url.startsWith(SQLITE_PREFIX);
    }

    /** The SQLite file path (only for {@link #isSqlite()}). */
    public Path sqliteFile() {
        if (!isSqlite()) {
            throw new IllegalStateException("store url '" + redactedUrl(url) + "' is not a SQLite url");
        }
        String rest = url.substring(SQLITE_PREFIX.length());
        int query = rest.indexOf('?');
        return Path.of(query < 0 ? rest : rest.substring(0, query));
    }

    /** The URL without its query string, which may carry a password; safe for messages and logs. */
    public String displayUrl() {
        return redactedUrl(url);
    }

    private static String redactedUrl(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?...";
    }

    @Override
    public String toString() {
        return "StoreSettings[url=" + displayUrl() + ", username=" + username + ", password="
                + (password == null ? "null" : "***") + ", poolSize=" + poolSize + ", commitJournal=" + commitJournal
                + "]";
    }
}
