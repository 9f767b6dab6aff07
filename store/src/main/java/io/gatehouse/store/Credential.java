package io.gatehouse.store;

import java.util.Arrays;
import java.util.Objects;

/** How the gateway obtains a connection's upstream credential. */
public sealed interface Credential {
    /** The resource needs no credential (or the connector supplies it unasked). */
    record None() implements Credential {}

    /**
     * The credential sealed by the gateway (AES-256-GCM); the store never sees the key. {@link
     * #toString()} omits the bytes.
     */
    @SuppressWarnings("ArrayRecordComponent") // equals/hashCode compare contents
    record Encrypted(byte[] sealed) implements Credential {
        public Encrypted {
            Objects.requireNonNull(sealed, "sealed");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Encrypted that && Arrays.equals(sealed, that.sealed);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(sealed);
        }

        @Override
        public String toString() {
            return "Encrypted[" + sealed.length + " bytes]";
        }
    }

    /** A name the connector resolves in its own environment, e.g. {@code env:PGPASS}; never the secret. */
    record Reference(String reference) implements Credential {
        public Reference {
            Objects.requireNonNull(reference, "reference");
        }
    }
}
