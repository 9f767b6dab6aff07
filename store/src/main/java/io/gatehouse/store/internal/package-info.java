/**
 * Implementation of the store: one JDBC implementation of every repository over a {@link
 * io.gatehouse.store.internal.Database}, whose two implementations hold all dialect differences
 * (connection handling, transactions, error classification). The SQL itself is portable between
 * SQLite 3.35+ and PostgreSQL; the schemas differ only in types and live in {@code db/migration/<dialect>}.
 */
package io.gatehouse.store.internal;
