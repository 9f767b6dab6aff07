package io.gatehouse.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/** A principal: a person or one AI agent instance. */
// byte[] components are the agreed API; equals/hashCode compare contents, arrays are not copied.
@SuppressWarnings("ArrayRecordComponent")
public record Identity(
        long id, String name, IdentityKind kind, Role role, boolean disabled, byte[] scramSalt, Instant createdAt) {
    public Identity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(scramSalt, "scramSalt");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Identity that
                && id == that.id
                && name.equals(that.name)
                && kind == that.kind
                && role == that.role
                && disabled == that.disabled
                && Arrays.equals(scramSalt, that.scramSalt)
                && createdAt.equals(that.createdAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, kind, role, disabled, Arrays.hashCode(scramSalt), createdAt);
    }

    @Override
    public String toString() {
        return "Identity[id=" + id + ", name=" + name + ", kind=" + kind.wireName() + ", role=" + role.wireName()
                + ", disabled=" + disabled + ", createdAt=" + createdAt + "]";
    }
}
