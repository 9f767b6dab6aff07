-- The sessions index moves out of the store file into a file of its own (<store>.index; see
-- db/index/sqlite-sessions-index.sql for why). Its tables here are derived data: dropping them loses nothing,
-- and the gateway rebuilds the index from the log in the new file on its first start after the upgrade.
DROP TABLE session_commands;
DROP TABLE sessions;
DROP TABLE session_index_state;
