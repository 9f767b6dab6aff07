/**
 * Self-contained export of events with inclusion proofs and a signed checkpoint, verifiable offline with only the
 * log's verifier key.
 */
package io.gatehouse.audit.bundle;
