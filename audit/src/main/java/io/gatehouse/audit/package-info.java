/** The record: event model, canonical encoding, RFC 6962 Merkle log, signed checkpoints and proofs. Pure. */
package io.gatehouse.audit;
