/**
 * Checkpoints (c2sp.org/tlog-checkpoint) signed as C2SP signed notes (c2sp.org/signed-note) with Ed25519.
 */
package io.gatehouse.audit.note;
