package io.gatehouse.audit.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.Cases;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MerkleProofsTest {
    private static final int MAX = 130;
    private static final ReferenceTree TREE = ReferenceTree.ofSize(MAX);

    @Test
    void frontierRootAndStoredRootsMatchTheReferenceForEverySize() {
        ReferenceTree tree = new ReferenceTree();
        assertThat(tree.frontier.root()).isEqualTo(Rfc6962.emptyRoot());
        for (int n = 1; n <= MAX; n++) {
            tree.add(TREE.leaves.get(n - 1));
            byte[] expected = TREE.mth(0, n);
            assertThat(tree.frontier.size()).isEqualTo(n);
            assertThat(tree.frontier.root()).as("frontier root at %d", n).isEqualTo(expected);
            assertThat(MerkleProofs.root(n, TREE)).as("stored root at %d", n).isEqualTo(expected);
            assertThat(MerkleFrontier.restore(n, TREE).root())
                    .as("restored root at %d", n)
                    .isEqualTo(expected);
        }
        // Only perfect subtrees are stored: 2n - popcount(n) of them.
        assertThat(TREE.storedNodes()).isEqualTo(2 * MAX - Integer.bitCount(MAX));
    }

    @Test
    void appendReturnsTheLeafAndEveryCompletedPerfectSubtree() {
        MerkleFrontier frontier = MerkleFrontier.empty();
        for (int i = 0; i < 7; i++) {
            frontier.append(TREE.leaves.get(i));
        }
        List<TreeNode> completed = frontier.append(TREE.leaves.get(7));
        assertThat(completed)
                .containsExactly(
                        new TreeNode(0, 7, TREE.leaves.get(7)),
                        new TreeNode(1, 3, TREE.mth(6, 8)),
                        new TreeNode(2, 1, TREE.mth(4, 8)),
                        new TreeNode(3, 0, TREE.mth(0, 8)));
    }

    @Test
    void inclusionProofsMatchTheReferenceAndVerifyForEveryIndexAndSize() {
        for (int n = 1; n <= MAX; n++) {
            byte[] root = TREE.mth(0, n);
            for (int m = 0; m < n; m++) {
                List<byte[]> proof = MerkleProofs.inclusion(m, n, TREE);
                assertThat(ReferenceTree.sameHashes(proof, TREE.path(m, 0, n)))
                        .as("PATH(%d, %d)", m, n)
                        .isTrue();
                byte[] leaf = TREE.leaves.get(m);
                assertThat(MerkleProofs.verifyInclusion(leaf, m, n, proof, root))
                        .as("verify %d in %d", m, n)
                        .isTrue();
                // The proof binds index, size, leaf and root.
                assertThat(MerkleProofs.verifyInclusion(TREE.leaves.get((m + 1) % MAX), m, n, proof, root))
                        .isFalse();
                if (n < MAX) {
                    assertThat(MerkleProofs.verifyInclusion(leaf, m, n + 1, proof, TREE.mth(0, n + 1)))
                            .isFalse();
                }
                if (n > 1) {
                    assertThat(MerkleProofs.verifyInclusion(leaf, (m + 1) % n, n, proof, root))
                            .isFalse();
                }
            }
        }
    }

    @Test
    void consistencyProofsMatchTheReferenceAndVerifyForEveryPair() {
        for (int n = 1; n <= MAX; n++) {
            byte[] newRoot = TREE.mth(0, n);
            for (int m = 1; m <= n; m++) {
                byte[] oldRoot = TREE.mth(0, m);
                List<byte[]> proof = MerkleProofs.consistency(m, n, TREE);
                List<byte[]> expected = m == n ? List.of() : TREE.subproof(m, 0, n, true);
                assertThat(ReferenceTree.sameHashes(proof, expected))
                        .as("PROOF(%d, %d)", m, n)
                        .isTrue();
                assertThat(MerkleProofs.verifyConsistency(m, n, oldRoot, newRoot, proof))
                        .as("consistency %d -> %d", m, n)
                        .isTrue();
                if (m < n) {
                    assertThat(MerkleProofs.verifyConsistency(m, n, TREE.mth(0, m - 1), newRoot, proof))
                            .isFalse();
                    assertThat(MerkleProofs.verifyConsistency(m, n, oldRoot, TREE.mth(0, n - 1), proof))
                            .isFalse();
                    if (n < MAX) {
                        assertThat(MerkleProofs.verifyConsistency(m, n + 1, oldRoot, TREE.mth(0, n + 1), proof))
                                .isFalse();
                    }
                }
            }
        }
    }

    /** A tampering of one proof: tree size, leaf index, which proof hash, which of its 256 bits. */
    record Tamper(int n, int m, int flipAt, int bit) {}

    @Test
    void tamperedProofsNeverVerify() {
        // Every (size, index) pair with a random hash and bit, plus the corners: first/last bit, first/last hash.
        List<Tamper> cases = new ArrayList<>();
        Random random = new Random(0x5EED_0101L);
        for (int n = 2; n <= MAX; n++) {
            for (int m = 0; m < n; m++) {
                cases.add(new Tamper(n, m, random.nextInt(64), random.nextInt(256)));
            }
        }
        for (int n : new int[] {2, 3, 64, 65, MAX}) {
            for (int m : new int[] {0, 1, n - 1}) {
                for (int flipAt : new int[] {0, 63}) {
                    for (int bit : new int[] {0, 7, 255}) {
                        cases.add(new Tamper(n, m, flipAt, bit));
                    }
                }
            }
        }
        Cases.check(
                "tampered proofs never verify",
                0x5EED_0102L,
                1000,
                cases,
                r -> new Tamper(2 + r.nextInt(MAX - 1), r.nextInt(MAX), r.nextInt(64), r.nextInt(256)),
                MerkleProofsTest::assertTamperedProofsFail);
    }

    private static void assertTamperedProofsFail(Tamper t) {
        int n = t.n();
        int m = t.m() % n;
        byte[] root = TREE.mth(0, n);
        List<byte[]> proof = new ArrayList<>(MerkleProofs.inclusion(m, n, TREE));
        // The untampered proof verifies, so a rejection below is due to the flipped bit.
        assertThat(MerkleProofs.verifyInclusion(TREE.leaves.get(m), m, n, proof, root))
                .isTrue();
        proof.set(t.flipAt() % proof.size(), flip(proof.get(t.flipAt() % proof.size()), t.bit()));
        assertThat(MerkleProofs.verifyInclusion(TREE.leaves.get(m), m, n, proof, root))
                .as("inclusion proof with a flipped bit")
                .isFalse();
        List<byte[]> truncated = MerkleProofs.inclusion(m, n, TREE).subList(0, proof.size() - 1);
        assertThat(MerkleProofs.verifyInclusion(TREE.leaves.get(m), m, n, truncated, root))
                .as("truncated inclusion proof")
                .isFalse();
        if (m > 0) {
            List<byte[]> consistency = new ArrayList<>(MerkleProofs.consistency(m, n, TREE));
            assertThat(MerkleProofs.verifyConsistency(m, n, TREE.mth(0, m), root, consistency))
                    .isTrue();
            if (!consistency.isEmpty()) {
                int c = t.flipAt() % consistency.size();
                consistency.set(c, flip(consistency.get(c), t.bit()));
                assertThat(MerkleProofs.verifyConsistency(m, n, TREE.mth(0, m), root, consistency))
                        .as("consistency proof %d -> %d with a flipped bit", m, n)
                        .isFalse();
            }
        }
    }

    private static byte[] flip(byte[] hash, int bit) {
        byte[] changed = hash.clone();
        changed[bit / 8] ^= (byte) (1 << (bit % 8));
        return changed;
    }

    @Test
    void malformedProofsAreRejectedNotThrown() {
        byte[] root = TREE.mth(0, 5);
        List<byte[]> withShortHash = new ArrayList<>(MerkleProofs.inclusion(1, 5, TREE));
        withShortHash.set(0, new byte[3]);
        assertThat(MerkleProofs.verifyInclusion(TREE.leaves.get(1), 1, 5, withShortHash, root))
                .isFalse();
        assertThat(MerkleProofs.verifyInclusion(TREE.leaves.get(1), -1, 5, List.of(), root))
                .isFalse();
        assertThat(MerkleProofs.verifyInclusion(TREE.leaves.get(1), 5, 5, List.of(), root))
                .isFalse();
        assertThat(MerkleProofs.verifyInclusion(null, 1, 5, List.of(), root)).isFalse();
        assertThat(MerkleProofs.verifyConsistency(3, 2, root, root, List.of())).isFalse();
        assertThat(MerkleProofs.verifyConsistency(3, 5, root, root, List.of())).isFalse();
        assertThat(MerkleProofs.verifyConsistency(5, 5, root, root, List.of(root)))
                .isFalse();
        assertThat(MerkleProofs.verifyConsistency(0, 5, Rfc6962.emptyRoot(), root, List.of()))
                .isTrue();
    }

    /** The 8-leaf test vectors used by Certificate Transparency implementations (RFC 6962 test data). */
    @Test
    void certificateTransparencyTestVectors() {
        String[] leaves = {
            "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"
        };
        String[] roots = {
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        };
        MerkleFrontier frontier = MerkleFrontier.empty();
        assertThat(HexFormat.of().formatHex(frontier.root()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        for (int i = 0; i < leaves.length; i++) {
            frontier.append(Rfc6962.leafHash(HexFormat.of().parseHex(leaves[i])));
            assertThat(HexFormat.of().formatHex(frontier.root()))
                    .as("root of %d leaves", i + 1)
                    .isEqualTo(roots[i]);
        }
    }
}
