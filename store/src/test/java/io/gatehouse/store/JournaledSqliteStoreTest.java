package io.gatehouse.store;

/**
 * The whole store contract, and the SQLite store's own tests, with the commit journal in front of the log
 * (as the gateway opens it): every append, read, checkpoint and error of {@link StoreContractTest} then goes
 * through {@code JournaledLogRepository}, and must behave exactly as without it.
 */
class JournaledSqliteStoreTest extends SqliteStoreTest {
    @Override
    StoreSettings newStoreSettings() {
        return super.newStoreSettings().withCommitJournal(true);
    }
}
