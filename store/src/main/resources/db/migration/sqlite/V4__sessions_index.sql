-- The sessions index: derived from the audit log by the gateway's asynchronous indexer, never by the
-- append (keeping it in the append's transaction halved the recorder's durable throughput). It is not
-- part of the tamper-evident record: the log is the truth, these rows only find its events quickly, and
-- they can be dropped and rebuilt from the log at any time. A store upgraded from V3 has no state row
-- for its logs, so the indexer starts at index 0 and backfills everything already recorded.
-- V5 and later are left to other work.

-- How far each log is indexed: events with idx < indexed_upto are reflected in the rows below. The
-- indexer moves it with a compare-and-set in the same transaction as the rows, so two indexers (two
-- gateways on one PostgreSQL) never apply the same events twice.
CREATE TABLE session_index_state (
    log_id        INTEGER NOT NULL PRIMARY KEY REFERENCES logs (id),
    indexed_upto  INTEGER NOT NULL CHECK (indexed_upto >= 0)
);

CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT, -- creation order: the newest-first cursor
    log_id          INTEGER NOT NULL REFERENCES logs (id),
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
);
CREATE INDEX sessions_by_session ON sessions (session);
CREATE INDEX sessions_by_identity ON sessions (identity, id);
CREATE INDEX sessions_by_connection ON sessions (connection, id);
CREATE INDEX sessions_by_status ON sessions (status, id);
CREATE INDEX sessions_by_started ON sessions (started_micros);

-- One row per command event. result_idx/status come from the command's later command.result (matched by
-- its number within the session), or from the command event itself when it already carries its outcome
-- (then result_idx = idx).
CREATE TABLE session_commands (
    log_id       INTEGER NOT NULL REFERENCES logs (id),
    idx          INTEGER NOT NULL,
    session      TEXT    NOT NULL,
    command_no   INTEGER,
    identity     TEXT,
    connection   TEXT,
    time_micros  INTEGER NOT NULL,
    text         TEXT,
    result_idx   INTEGER,
    status       TEXT,
    PRIMARY KEY (log_id, idx)
);
CREATE INDEX session_commands_by_session ON session_commands (log_id, session, command_no);
CREATE INDEX session_commands_by_connection ON session_commands (connection, time_micros, log_id, idx);
