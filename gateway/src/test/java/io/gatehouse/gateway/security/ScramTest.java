package io.gatehouse.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Both sides of SCRAM-SHA-256 against RFC 7677 §3 and against each other. */
class ScramTest {
    // RFC 7677 §3: user "user", password "pencil".
    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final byte[] SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    private static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static final ScramVerifier PENCIL = ScramSha256.derive("pencil", SALT, 4096);

    private static ScramServerExchange server(ScramVerifier... candidates) {
        return new ScramServerExchange(
                username -> new ScramServerExchange.Credentials(SALT, 4096, List.of(candidates)), SERVER_NONCE);
    }

    @Test
    void serverSideMatchesRfc7677TestVector() throws Exception {
        ScramServerExchange server = server(PENCIL);

        assertThat(server.serverFirstMessage(CLIENT_FIRST)).isEqualTo(SERVER_FIRST);
        ScramServerExchange.Success success = server.finish(CLIENT_FINAL);

        assertThat(success.serverFinalMessage()).isEqualTo(SERVER_FINAL);
        assertThat(success.matchedIndex()).isZero();
        assertThat(success.matched()).isEqualTo(PENCIL);
    }

    @Test
    void clientSideMatchesRfc7677TestVector() throws Exception {
        ScramClientExchange client = new ScramClientExchange("user", "pencil", CLIENT_NONCE);

        assertThat(client.clientFirstMessage()).isEqualTo(CLIENT_FIRST);
        assertThat(client.clientFinalMessage(SERVER_FIRST)).isEqualTo(CLIENT_FINAL);
        client.verifyServerFinal(SERVER_FINAL); // throws if the signature does not verify
    }

    @Test
    void clientRejectsAForgedServerSignature() throws Exception {
        ScramClientExchange client = new ScramClientExchange("user", "pencil", CLIENT_NONCE);
        client.clientFirstMessage();
        client.clientFinalMessage(SERVER_FIRST);

        assertThatThrownBy(() ->
                        client.verifyServerFinal("v=" + Base64.getEncoder().encodeToString(new byte[32])))
                .isInstanceOf(ScramException.class)
                .extracting(e -> ((ScramException) e).reason())
                .isEqualTo(ScramException.Reason.INVALID_SERVER_SIGNATURE);
    }

    @Test
    void clientReportsTheServersError() throws Exception {
        ScramClientExchange client = new ScramClientExchange("user", "pencil", CLIENT_NONCE);
        client.clientFirstMessage();
        client.clientFinalMessage(SERVER_FIRST);

        assertThatThrownBy(() -> client.verifyServerFinal("e=invalid-proof"))
                .isInstanceOf(ScramException.class)
                .extracting(e -> ((ScramException) e).reason())
                .isEqualTo(ScramException.Reason.INVALID_PROOF);
    }

    @Test
    void clientRejectsAServerNonceThatDoesNotExtendItsOwn() {
        ScramClientExchange client = new ScramClientExchange("user", "pencil", CLIENT_NONCE);
        client.clientFirstMessage();

        assertThatThrownBy(() -> client.clientFinalMessage("r=someoneElsesNonce,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
                .isInstanceOf(ScramException.class)
                .hasMessageContaining("does not extend the client nonce");
    }

    @Test
    void clientRejectsAnAbsurdIterationCount() {
        ScramClientExchange client = new ScramClientExchange("user", "pencil", CLIENT_NONCE);
        client.clientFirstMessage();

        assertThatThrownBy(() ->
                        client.clientFinalMessage("r=" + CLIENT_NONCE + "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=2147483647"))
                .isInstanceOf(ScramException.class)
                .hasMessageContaining("expected an integer in 1..10000000");
    }

    @Test
    void randomClientAndServerAgree() throws Exception {
        ScramVerifier verifier = ScramSha256.derive("gh_token-as-password");
        ScramServerExchange server = new ScramServerExchange(username ->
                new ScramServerExchange.Credentials(verifier.salt(), verifier.iterations(), List.of(verifier)));
        ScramClientExchange client = new ScramClientExchange("", "gh_token-as-password");

        String serverFirst = server.serverFirstMessage(client.clientFirstMessage());
        ScramServerExchange.Success success = server.finish(client.clientFinalMessage(serverFirst));
        client.verifyServerFinal(success.serverFinalMessage());

        assertThat(success.matched()).isEqualTo(verifier);
    }

    @Test
    void serverReportsWhichOfSeveralCandidatesMatched() throws Exception {
        ScramVerifier other1 = ScramSha256.derive("first-token", SALT, 4096);
        ScramVerifier other2 = ScramSha256.derive("second-token", SALT, 4096);
        ScramServerExchange server = server(other1, PENCIL, other2);

        server.serverFirstMessage(CLIENT_FIRST);
        ScramServerExchange.Success success = server.finish(CLIENT_FINAL);

        assertThat(success.matchedIndex()).isEqualTo(1);
        assertThat(success.serverFinalMessage()).isEqualTo(SERVER_FINAL);
    }

    @Test
    void wrongPasswordIsRejected() throws Exception {
        ScramServerExchange server = server(ScramSha256.derive("not-pencil", SALT, 4096));

        server.serverFirstMessage(CLIENT_FIRST);

        assertThatThrownBy(() -> server.finish(CLIENT_FINAL))
                .isInstanceOf(ScramException.class)
                .extracting(e -> ((ScramException) e).reason())
                .isEqualTo(ScramException.Reason.INVALID_PROOF);
    }

    @Test
    void unknownUserFailsOnlyAtTheProof() throws Exception {
        ScramServerExchange server = new ScramServerExchange(
                username -> ScramServerExchange.Credentials.unknownUser(SALT, 4096), SERVER_NONCE);

        assertThat(server.serverFirstMessage(CLIENT_FIRST)).isEqualTo(SERVER_FIRST);
        assertThatThrownBy(() -> server.finish(CLIENT_FINAL))
                .isInstanceOf(ScramException.class)
                .extracting(e -> ((ScramException) e).reason())
                .isEqualTo(ScramException.Reason.INVALID_PROOF);
    }

    @Test
    void tamperedNonceIsRejected() throws Exception {
        ScramServerExchange server = server(PENCIL);
        server.serverFirstMessage(CLIENT_FIRST);

        String tampered = CLIENT_FINAL.replace("hNlF$k0", "hNlF$k1");

        assertThatThrownBy(() -> server.finish(tampered))
                .isInstanceOf(ScramException.class)
                .hasMessage("client-final-message nonce (r=) is not the nonce of this exchange");
    }

    @Test
    void tamperedProofIsRejected() throws Exception {
        ScramServerExchange server = server(PENCIL);
        server.serverFirstMessage(CLIENT_FIRST);

        String tampered = CLIENT_FINAL.replace("p=dHzb", "p=dHza");

        assertThatThrownBy(() -> server.finish(tampered))
                .isInstanceOf(ScramException.class)
                .extracting(e -> ((ScramException) e).reason())
                .isEqualTo(ScramException.Reason.INVALID_PROOF);
    }

    @Test
    void channelBindingThatDoesNotEchoTheHeaderIsRejected() throws Exception {
        ScramServerExchange server = server(PENCIL);
        server.serverFirstMessage(CLIENT_FIRST);

        String tampered = CLIENT_FINAL.replace("c=biws", "c=eSws"); // "y,," instead of "n,,"

        assertThatThrownBy(() -> server.finish(tampered))
                .isInstanceOf(ScramException.class)
                .extracting(e -> ((ScramException) e).reason())
                .isEqualTo(ScramException.Reason.CHANNEL_BINDINGS_DONT_MATCH);
    }

    @Test
    void flagYIsAcceptedBecausePlusIsNotAdvertised() throws Exception {
        ScramServerExchange server = server(PENCIL);

        String serverFirst = server.serverFirstMessage("y,,n=user,r=" + CLIENT_NONCE);

        assertThat(serverFirst).isEqualTo(SERVER_FIRST);
    }

    @Test
    void channelBindingPIsRefusedClearly() {
        ScramServerExchange server = server(PENCIL);

        assertThatThrownBy(() -> server.serverFirstMessage("p=tls-server-end-point,,n=user,r=" + CLIENT_NONCE))
                .isInstanceOf(ScramException.class)
                .hasMessageContaining("channel binding type 'tls-server-end-point'")
                .extracting(e -> ((ScramException) e).reason())
                .isEqualTo(ScramException.Reason.CHANNEL_BINDING_NOT_SUPPORTED);
    }

    @Test
    void malformedMessagesAreScramExceptions() {
        List<String> malformedFirst = List.of(
                "",
                "n",
                "n,,",
                "x,,n=user,r=abc",
                "n,a=admin,n=user,r=abc",
                "n,,m=ext,n=user,r=abc",
                "n,,r=abc,n=user",
                "n,,n=us=er,r=abc",
                "n,,n=user,r=",
                "n,,n=user,r=ab\u00e9",
                "n,,n=user,r=abc,garbage",
                "n,,n=user");
        for (String message : malformedFirst) {
            assertThatThrownBy(() -> server(PENCIL).serverFirstMessage(message))
                    .as("client-first-message %s", message)
                    .isInstanceOf(ScramException.class);
        }
        List<String> malformedFinal = List.of(
                "",
                "c=biws",
                "c=biws,r=" + CLIENT_NONCE,
                "c=!!!,r=x,p=x",
                "r=x,c=biws,p=x",
                CLIENT_FINAL.replace("p=", "q="),
                CLIENT_FINAL.substring(0, CLIENT_FINAL.length() - 4),
                CLIENT_FINAL.replace("p=dHzb", "p=dHz"),
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,junk,p=AAAA");
        for (String message : malformedFinal) {
            ScramServerExchange server = server(PENCIL);
            assertThatThrownBy(() -> {
                        server.serverFirstMessage(CLIENT_FIRST);
                        server.finish(message);
                    })
                    .as("client-final-message %s", message)
                    .isInstanceOf(ScramException.class);
        }
    }

    @Test
    void callsOutOfOrderAreProgrammingErrors() throws Exception {
        ScramServerExchange server = server(PENCIL);
        assertThatThrownBy(() -> server.finish(CLIENT_FINAL)).isInstanceOf(IllegalStateException.class);

        ScramServerExchange failed = server(PENCIL);
        assertThatThrownBy(() -> failed.serverFirstMessage("garbage")).isInstanceOf(ScramException.class);
        assertThatThrownBy(() -> failed.finish(CLIENT_FINAL))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FAILED");
    }

    @Test
    void credentialsRejectAVerifierWithAnotherSalt() {
        ScramVerifier otherSalt = ScramSha256.derive("pencil", new byte[16], 4096);

        assertThatThrownBy(() -> new ScramServerExchange.Credentials(SALT, 4096, List.of(PENCIL, otherSalt)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("candidate verifier 1 has another salt");
    }

    @Test
    void verifierToStringAndPostgresFormat() {
        assertThat(PENCIL.toString())
                .doesNotContain(Base64.getEncoder().encodeToString(PENCIL.storedKey()))
                .doesNotContain(Base64.getEncoder().encodeToString(PENCIL.serverKey()))
                .contains("<redacted>");
        String text = PENCIL.toPostgresFormat();
        assertThat(text).startsWith("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$");
        assertThat(ScramVerifier.parsePostgresFormat(text)).isEqualTo(PENCIL);
        assertThatThrownBy(() -> ScramVerifier.parsePostgresFormat("md5abcdef"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("md5abcdef");
    }

    @Test
    void derivedVerifierIsDeterministicAndSaltDependent() {
        assertThat(ScramSha256.derive("pencil", SALT, 4096)).isEqualTo(PENCIL);
        assertThat(ScramSha256.derive("pencil", ScramSha256.newSalt(), 4096)).isNotEqualTo(PENCIL);
        assertThat(ScramSha256.newSalt()).hasSize(16);
    }

    @Test
    void saslPrepFollowsRfc4013Examples() {
        // RFC 4013 §3 examples
        assertThat(SaslPrep.prepare("I\u00ADX")).contains("IX");
        assertThat(SaslPrep.prepare("user")).contains("user");
        assertThat(SaslPrep.prepare("\u00AA")).contains("a");
        assertThat(SaslPrep.prepare("\u2168")).contains("IX");
        assertThat(SaslPrep.prepare("\u0007")).isEmpty();
        assertThat(SaslPrep.prepare("\u06271")).isEmpty();
        // PostgreSQL's fallback: an invalid SASLprep input is used as it is
        assertThat(SaslPrep.prepareOrOriginal("\u0007bell")).isEqualTo("\u0007bell");
        assertThat(ScramSha256.derive("I\u00ADX", SALT, 4096)).isEqualTo(ScramSha256.derive("IX", SALT, 4096));
    }
}
