-- Whether the gateway speaks TLS to the resource: disable | require | verify-full (libpq's sslmode names).
-- V2 is left to the sessions index being built alongside; Flyway accepts gaps between versions.
ALTER TABLE connections ADD COLUMN upstream_tls TEXT NOT NULL DEFAULT 'disable'
    CHECK (upstream_tls IN ('disable', 'require', 'verify-full'));
