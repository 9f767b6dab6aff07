-- log_entries_by_time served no query (time ranges are answered by the sessions index), yet every append
-- updated it: one more B-tree page written to the WAL, and fsynced, per commit. Dropping it saves about a
-- sixth of the pages a fail-closed statement's commit writes (docs/benchmarks.md, session 5).
DROP INDEX IF EXISTS log_entries_by_time;
