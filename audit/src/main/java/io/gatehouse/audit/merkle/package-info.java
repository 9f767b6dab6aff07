/**
 * The RFC 6962 / RFC 9162 §2.1 Merkle tree over event encodings: hashing, incremental append, proofs and their
 * verification, all computed from stored perfect-subtree hashes ({@link io.gatehouse.audit.merkle.TreeNode}).
 */
package io.gatehouse.audit.merkle;
