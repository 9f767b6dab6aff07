package io.gatehouse.store.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection, inside a transaction for writes. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
