/** Verification of a whole log against its signed checkpoints, streaming and pure. */
package io.gatehouse.audit.verify;
