-- On SQLite, V6 moves the sessions index out of the store file into its own (one write lock per file). On
-- PostgreSQL the index stays in this database: row locks already keep the indexer from holding up the log's
-- appends. Kept as a no-op so that both dialects share one schema version.
SELECT 1;
