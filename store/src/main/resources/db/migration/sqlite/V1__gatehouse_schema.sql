-- Gatehouse store schema v1, SQLite dialect. Keep in step with ../postgresql/V1__gatehouse_schema.sql:
-- same tables, columns, indexes and trigger names; only the types differ.
-- Times are microseconds since the epoch (INTEGER) so an Instant round-trips exactly at that precision.
-- Booleans are INTEGER 0/1 (SQLite has no boolean type).

CREATE TABLE identities (
    id          INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: an id is never reused, events name it
    name        TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL CHECK (kind IN ('human', 'agent')),
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'auditor', 'user')),
    disabled    INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    scram_salt  BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE tokens (
    id                TEXT    PRIMARY KEY,
    identity_id       INTEGER NOT NULL REFERENCES identities (id),
    prefix            TEXT    NOT NULL,
    sha256            BLOB    NOT NULL UNIQUE,
    scram_salt        BLOB    NOT NULL,
    scram_iterations  INTEGER NOT NULL,
    scram_stored_key  BLOB    NOT NULL,
    scram_server_key  BLOB    NOT NULL,
    created_at        INTEGER NOT NULL,
    expires_at        INTEGER,
    revoked_at        INTEGER,
    last_used_at      INTEGER
);
CREATE INDEX tokens_by_identity ON tokens (identity_id);

CREATE TABLE connections (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    name                  TEXT    NOT NULL UNIQUE,
    type                  TEXT    NOT NULL CHECK (type IN ('postgres', 'mysql', 'ssh', 'http', 'shell')),
    target                TEXT    NOT NULL,
    connector             TEXT,
    username              TEXT,
    database_name         TEXT,
    credential_kind       TEXT    NOT NULL CHECK (credential_kind IN ('none', 'encrypted', 'reference')),
    credential_sealed     BLOB,
    credential_reference  TEXT,
    content               TEXT    NOT NULL CHECK (content IN ('full', 'commands')),
    durability            TEXT    NOT NULL CHECK (durability IN ('fail-closed', 'best-effort')),
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    CHECK ((credential_kind = 'encrypted') = (credential_sealed IS NOT NULL)),
    CHECK ((credential_kind = 'reference') = (credential_reference IS NOT NULL))
);

-- Grants go with their connection (ConnectionRepository.remove) via ON DELETE CASCADE.
CREATE TABLE grants (
    identity_id    INTEGER NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    connection_id  INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (identity_id, connection_id)
);
CREATE INDEX grants_by_connection ON grants (connection_id);

-- One row per audit log. size is the number of events; append moves it forward with a compare-and-set
-- (UPDATE ... WHERE size = first index), which both checks contiguity and serializes appenders.
CREATE TABLE logs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    origin      TEXT    NOT NULL UNIQUE,
    size        INTEGER NOT NULL DEFAULT 0 CHECK (size >= 0),
    created_at  INTEGER NOT NULL
);

CREATE TABLE log_entries (
    log_id       INTEGER NOT NULL REFERENCES logs (id),
    idx          INTEGER NOT NULL,
    leaf_hash    BLOB    NOT NULL,
    entry        BLOB    NOT NULL,
    session      TEXT,
    kind         TEXT    NOT NULL,
    time_micros  INTEGER NOT NULL,
    PRIMARY KEY (log_id, idx)
);
CREATE INDEX log_entries_by_session ON log_entries (log_id, session, idx);
CREATE INDEX log_entries_by_time ON log_entries (log_id, time_micros);

-- Perfect-subtree hashes of level >= 1; level 0 is log_entries.leaf_hash.
CREATE TABLE log_nodes (
    log_id  INTEGER NOT NULL REFERENCES logs (id),
    level   INTEGER NOT NULL CHECK (level >= 1),
    idx     INTEGER NOT NULL,
    hash    BLOB    NOT NULL,
    PRIMARY KEY (log_id, level, idx)
) WITHOUT ROWID;

CREATE TABLE log_checkpoints (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    log_id      INTEGER NOT NULL REFERENCES logs (id),
    size        INTEGER NOT NULL CHECK (size >= 0),
    root_hash   BLOB    NOT NULL,
    note        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX log_checkpoints_by_size ON log_checkpoints (log_id, size, created_at);

-- Append-only at the database level (defense in depth; the Merkle log detects what gets past these).
-- Trigger names, the same on both dialects, for tests that drop them to simulate tampering:
--   log_entries_no_update, log_entries_no_delete,
--   log_nodes_no_update, log_nodes_no_delete,
--   log_checkpoints_no_update, log_checkpoints_no_delete,
--   logs_no_delete, logs_size_only_grows
-- (PostgreSQL additionally has <table>_no_truncate; SQLite has no TRUNCATE.)
CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON log_entries
BEGIN
    SELECT RAISE(ABORT, 'log_entries is append-only: UPDATE rejected');
END;
CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries
BEGIN
    SELECT RAISE(ABORT, 'log_entries is append-only: DELETE rejected');
END;
CREATE TRIGGER log_nodes_no_update BEFORE UPDATE ON log_nodes
BEGIN
    SELECT RAISE(ABORT, 'log_nodes is append-only: UPDATE rejected');
END;
CREATE TRIGGER log_nodes_no_delete BEFORE DELETE ON log_nodes
BEGIN
    SELECT RAISE(ABORT, 'log_nodes is append-only: DELETE rejected');
END;
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'log_checkpoints is append-only: UPDATE rejected');
END;
CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'log_checkpoints is append-only: DELETE rejected');
END;
CREATE TRIGGER logs_no_delete BEFORE DELETE ON logs
BEGIN
    SELECT RAISE(ABORT, 'logs is append-only: DELETE rejected');
END;
CREATE TRIGGER logs_size_only_grows BEFORE UPDATE ON logs
WHEN NEW.size < OLD.size OR NEW.origin <> OLD.origin OR NEW.id <> OLD.id
BEGIN
    SELECT RAISE(ABORT, 'logs: a log never shrinks or changes origin');
END;
