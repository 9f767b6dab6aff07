-- Gatehouse store schema v1, PostgreSQL dialect. Keep in step with ../sqlite/V1__gatehouse_schema.sql:
-- same tables, columns, indexes and trigger names; only the types differ.
-- Times are microseconds since the epoch (BIGINT) so an Instant round-trips exactly at that precision.

CREATE TABLE identities (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL CHECK (kind IN ('human', 'agent')),
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'auditor', 'user')),
    disabled    BOOLEAN NOT NULL DEFAULT FALSE,
    scram_salt  BYTEA   NOT NULL,
    created_at  BIGINT  NOT NULL
);

CREATE TABLE tokens (
    id                TEXT    PRIMARY KEY,
    identity_id       BIGINT  NOT NULL REFERENCES identities (id),
    prefix            TEXT    NOT NULL,
    sha256            BYTEA   NOT NULL UNIQUE,
    scram_salt        BYTEA   NOT NULL,
    scram_iterations  INTEGER NOT NULL,
    scram_stored_key  BYTEA   NOT NULL,
    scram_server_key  BYTEA   NOT NULL,
    created_at        BIGINT  NOT NULL,
    expires_at        BIGINT,
    revoked_at        BIGINT,
    last_used_at      BIGINT
);
CREATE INDEX tokens_by_identity ON tokens (identity_id);

CREATE TABLE connections (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                  TEXT   NOT NULL UNIQUE,
    type                  TEXT   NOT NULL CHECK (type IN ('postgres', 'mysql', 'ssh', 'http', 'shell')),
    target                TEXT   NOT NULL,
    connector             TEXT,
    username              TEXT,
    database_name         TEXT,
    credential_kind       TEXT   NOT NULL CHECK (credential_kind IN ('none', 'encrypted', 'reference')),
    credential_sealed     BYTEA,
    credential_reference  TEXT,
    content               TEXT   NOT NULL CHECK (content IN ('full', 'commands')),
    durability            TEXT   NOT NULL CHECK (durability IN ('fail-closed', 'best-effort')),
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    CHECK ((credential_kind = 'encrypted') = (credential_sealed IS NOT NULL)),
    CHECK ((credential_kind = 'reference') = (credential_reference IS NOT NULL))
);

-- Grants go with their connection (ConnectionRepository.remove) via ON DELETE CASCADE.
CREATE TABLE grants (
    identity_id    BIGINT NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
    connection_id  BIGINT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (identity_id, connection_id)
);
CREATE INDEX grants_by_connection ON grants (connection_id);

-- One row per audit log (one per gateway instance sharing this database). size is the number of
-- events; append moves it forward with a compare-and-set (UPDATE ... WHERE size = first index), which
-- checks contiguity and, through the row lock, serializes appenders of one log.
CREATE TABLE logs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    origin      TEXT   NOT NULL UNIQUE,
    size        BIGINT NOT NULL DEFAULT 0 CHECK (size >= 0),
    created_at  BIGINT NOT NULL
);

CREATE TABLE log_entries (
    log_id       BIGINT NOT NULL REFERENCES logs (id),
    idx          BIGINT NOT NULL,
    leaf_hash    BYTEA  NOT NULL,
    entry        BYTEA  NOT NULL,
    session      TEXT,
    kind         TEXT   NOT NULL,
    time_micros  BIGINT NOT NULL,
    PRIMARY KEY (log_id, idx)
);
CREATE INDEX log_entries_by_session ON log_entries (log_id, session, idx);
CREATE INDEX log_entries_by_time ON log_entries (log_id, time_micros);

-- Perfect-subtree hashes of level >= 1; level 0 is log_entries.leaf_hash.
CREATE TABLE log_nodes (
    log_id  BIGINT  NOT NULL REFERENCES logs (id),
    level   INTEGER NOT NULL CHECK (level >= 1),
    idx     BIGINT  NOT NULL,
    hash    BYTEA   NOT NULL,
    PRIMARY KEY (log_id, level, idx)
);

CREATE TABLE log_checkpoints (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    log_id      BIGINT NOT NULL REFERENCES logs (id),
    size        BIGINT NOT NULL CHECK (size >= 0),
    root_hash   BYTEA  NOT NULL,
    note        TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX log_checkpoints_by_size ON log_checkpoints (log_id, size, created_at);

-- Append-only at the database level (defense in depth; the Merkle log detects what gets past these).
-- Trigger names, the same on both dialects, for tests that drop them to simulate tampering:
--   log_entries_no_update, log_entries_no_delete, log_entries_no_truncate,
--   log_nodes_no_update, log_nodes_no_delete, log_nodes_no_truncate,
--   log_checkpoints_no_update, log_checkpoints_no_delete, log_checkpoints_no_truncate,
--   logs_no_delete, logs_no_truncate, logs_size_only_grows
-- Statement-level triggers: TRUNCATE fires no row triggers, and rejecting the statement is cheaper.
CREATE FUNCTION gatehouse_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % rejected', TG_TABLE_NAME, TG_OP;
END
$$;

CREATE FUNCTION gatehouse_log_only_grows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.size < OLD.size OR NEW.origin <> OLD.origin OR NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'logs: a log never shrinks or changes origin';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON log_entries
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_reject_change();
CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON log_entries
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_reject_change();
CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON log_entries
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_reject_change();
CREATE TRIGGER log_nodes_no_update BEFORE UPDATE ON log_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_reject_change();
CREATE TRIGGER log_nodes_no_delete BEFORE DELETE ON log_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_reject_change();
CREATE TRIGGER log_nodes_no_truncate BEFORE TRUNCATE ON log_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_reject_change();
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_reject_change();
CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_reject_change();
CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON log_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_reject_change();
CREATE TRIGGER logs_no_delete BEFORE DELETE ON logs
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_reject_change();
CREATE TRIGGER logs_no_truncate BEFORE TRUNCATE ON logs
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_reject_change();
CREATE TRIGGER logs_size_only_grows BEFORE UPDATE ON logs
    FOR EACH ROW EXECUTE FUNCTION gatehouse_log_only_grows();
