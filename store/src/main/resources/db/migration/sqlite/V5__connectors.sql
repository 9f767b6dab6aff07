-- Registered connectors (issue 4). Only the token's id and SHA-256 are kept, as for identities' tokens.
-- V4 is left to the sessions index; Flyway accepts gaps between versions.
CREATE TABLE connectors (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL UNIQUE,
    token_id      TEXT    NOT NULL UNIQUE,
    token_sha256  BLOB   NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER,
    last_address  TEXT,
    last_version  TEXT
);
