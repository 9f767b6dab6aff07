-- Registered connectors (issue 4). Only the token's id and SHA-256 are kept, as for identities' tokens.
-- V4 is left to the sessions index; Flyway accepts gaps between versions.
CREATE TABLE connectors (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    token_id      TEXT    NOT NULL UNIQUE,
    token_sha256  BYTEA   NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT,
    last_address  TEXT,
    last_version  TEXT
);
