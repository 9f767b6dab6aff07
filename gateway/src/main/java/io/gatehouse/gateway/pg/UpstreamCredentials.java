package io.gatehouse.gateway.pg;

import io.gatehouse.gateway.security.SecretBox;
import io.gatehouse.gateway.security.SecretBoxException;
import io.gatehouse.store.ConnectionRecord;
import io.gatehouse.store.Credential;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The password the gateway logs in upstream with, in memory for one session only. Never logged: the
 * messages below name the connection and the reference, never the value.
 */
final class UpstreamCredentials {
    private UpstreamCredentials() {}

    /**
     * @return the password, or null for {@link Credential.None}
     * @throws IllegalStateException when the credential cannot be opened or the reference is not set
     */
    static String resolve(ConnectionRecord connection, SecretBox secrets, Function<String, String> environment) {
        return switch (connection.credential()) {
            case Credential.None ignored -> null;
            case Credential.Encrypted encrypted -> {
                try {
                    yield new String(secrets.open(encrypted.sealed(), connection.name()), StandardCharsets.UTF_8);
                } catch (SecretBoxException e) {
                    throw new IllegalStateException(
                            "the stored credential of connection \"" + connection.name() + "\" cannot be opened");
                }
            }
            case Credential.Reference reference -> {
                String ref = reference.reference();
                String value = ref.startsWith("env:") ? environment.apply(ref.substring(4)) : null;
                if (value == null) {
                    throw new IllegalStateException("the credential reference '" + ref + "' of connection \""
                            + connection.name() + "\" is not set in the gateway's environment");
                }
                yield value;
            }
        };
    }
}
