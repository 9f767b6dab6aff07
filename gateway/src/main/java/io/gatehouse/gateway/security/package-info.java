/**
 * Secrets on disk and on the wire: owner-only files, the development certificate authority, the
 * Ed25519 signing key, access tokens, SCRAM-SHA-256 verifiers and exchanges, AES-GCM sealing of
 * connection credentials, and the failed-authentication limiter.
 *
 * <p>Invariant for every class here: a secret (token, password, key, verifier) never appears in an
 * exception message, a log line or a {@code toString()}. Messages name the file, the length or the
 * shape that was wrong instead.
 */
package io.gatehouse.gateway.security;
