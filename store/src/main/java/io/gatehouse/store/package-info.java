/** Persistence of identities, tokens, connections, grants and the audit log; SQLite and PostgreSQL. */
package io.gatehouse.store;
