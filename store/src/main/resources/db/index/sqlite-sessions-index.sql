-- The sessions index of an embedded (SQLite) store, in its own file next to the store: <store>.index.
--
-- Why a file of its own: SQLite has one write lock per file. With the index in the store's file, every index
-- transaction held the lock that the recorder's appends need, and the recorder lost up to a third of its
-- throughput and its p99 acknowledgement rose several-fold. In its own file the indexer writes under its own
-- lock; it only reads the log, through the store file attached read-only as schema "log" (so the unqualified
-- table "logs" below resolves to the store's).
--
-- The file is derived data: nothing here is part of the tamper-evident record. It is not migrated: when its
-- user_version differs from the one the gateway expects, or it is unreadable, the gateway deletes it and
-- rebuilds it from the log (the indexer starts at index 0 of every log). It needs no backup.
--
-- Statements are separated by lines holding only ";;" (a trigger body contains ";").

CREATE TABLE session_index_state (
    log_id        INTEGER NOT NULL PRIMARY KEY, -- logs.id of the store
    indexed_upto  INTEGER NOT NULL CHECK (indexed_upto >= 0)
)
;;
CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT, -- creation order: the newest-first cursor
    log_id          INTEGER NOT NULL,
    session         TEXT    NOT NULL,
    identity        TEXT,
    connection      TEXT,
    type            TEXT,
    client          TEXT,
    application     TEXT,
    token           TEXT,
    started_micros  INTEGER NOT NULL,
    ended_micros    INTEGER,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    end_reason      TEXT,
    events          INTEGER NOT NULL,
    commands        INTEGER NOT NULL,
    errors          INTEGER NOT NULL,
    first_idx       INTEGER NOT NULL,
    last_idx        INTEGER NOT NULL,
    UNIQUE (log_id, session)
)
;;
CREATE INDEX sessions_by_session ON sessions (session)
;;
CREATE INDEX sessions_by_identity ON sessions (identity, id)
;;
CREATE INDEX sessions_by_connection ON sessions (connection, id)
;;
CREATE INDEX sessions_by_status ON sessions (status, id)
;;
CREATE INDEX sessions_by_started ON sessions (started_micros)
;;
-- As in the PostgreSQL store's V4, plus a rowid of its own ("id") that the text index below refers to.
CREATE TABLE session_commands (
    id           INTEGER PRIMARY KEY,
    log_id       INTEGER NOT NULL,
    idx          INTEGER NOT NULL,
    session      TEXT    NOT NULL,
    command_no   INTEGER,
    identity     TEXT,
    connection   TEXT,
    time_micros  INTEGER NOT NULL,
    text         TEXT,
    result_idx   INTEGER,
    status       TEXT,
    UNIQUE (log_id, idx)
)
;;
CREATE INDEX session_commands_by_session ON session_commands (log_id, session, command_no)
;;
CREATE INDEX session_commands_by_connection ON session_commands (connection, time_micros, log_id, idx)
;;
-- Text search in commands (`sessions list --search`): an FTS5 trigram index finds the commands that hold every
-- three-character piece of a searched text, case-insensitively, without reading every command text
-- (https://sqlite.org/fts5.html#the_trigram_tokenizer); the search then confirms each candidate with LIKE.
-- detail=none keeps only which rows hold a trigram, not where: it cannot answer phrase queries (hence the
-- confirmation) but costs the indexer ~40 % less per command than detail=full. Contentless: the texts stay in
-- session_commands only; contentless_delete lets a rebuild empty it with a plain DELETE.
-- Each distinct text goes in once per session (the search is by session: one command per text finds it; a prepared
-- statement run a thousand times is indexed once), picked by the indexer (IndexedTexts).
-- Filled by the indexer with one INSERT ... SELECT per batch, not by a trigger on session_commands: FTS5 flushes
-- its pending terms at every statement savepoint, and a trigger gives each inserted row one, so each command
-- became a segment of its own to merge (measured: 60-70 µs of CPU per command with the trigger, 7 µs without).
CREATE VIRTUAL TABLE command_text USING fts5 (
    text, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram case_sensitive 0'
)
