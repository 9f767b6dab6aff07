package io.gatehouse.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.gateway.testing.TestGateway;
import io.gatehouse.gateway.testing.TestGateway.Response;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI's server side over HTTP: its pages and their security headers, sign-in into an HttpOnly,
 * Secure, SameSite=Strict cookie, the cookie authenticating API reads, and CSRF: a cookie-authenticated
 * request that changes something needs the UI's header and, if it says where it comes from, our origin.
 * (The pages themselves are exercised in a real browser by the browser tests.)
 */
class WebUiTest {
    @TempDir
    static Path data;

    static TestGateway gw;
    static String admin;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(data, Clock.systemUTC());
        admin = gw.adminToken();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void pagesAreServedWithAStrictContentSecurityPolicy() {
        Response root = gw.get("/", null);
        assertThat(root.status()).isEqualTo(302);
        assertThat(root.header("location")).isEqualTo("/ui/");

        Response index = gw.get("/ui/", null);
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.header("content-type")).startsWith("text/html");
        assertThat(index.text()).contains("<script src=\"/ui/app.js\"");
        assertThat(index.header("content-security-policy"))
                .contains("script-src 'self'")
                .contains("frame-ancestors 'none'");
        assertThat(index.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(gw.get("/ui/app.js", null).header("content-type")).startsWith("text/javascript");
        assertThat(gw.get("/ui/app.css", null).header("content-type")).startsWith("text/css");
        assertThat(gw.get("/ui/nope.js", null).status()).isEqualTo(404);
    }

    @Test
    void signInSetsAHardenedCookieThatAuthenticatesReadsAndSignOutClearsIt() {
        Response signIn = signIn(admin, true, null);
        assertThat(signIn.status()).as(signIn.text()).isEqualTo(200);
        assertThat(signIn.body().get("name").asText()).isEqualTo("admin");
        assertThat(signIn.text()).as("the token is not echoed").doesNotContain(admin);
        String cookie = signIn.header("set-cookie");
        assertThat(cookie)
                .as("a session cookie, hidden from scripts, TLS only, same-site only")
                .startsWith(WebSignIn.COOKIE + "=" + admin + ";")
                .contains("HttpOnly")
                .contains("Secure")
                .contains("SameSite=Strict")
                .contains("Path=/")
                .doesNotContain("Max-Age");

        Response whoami = withCookie("/api/v1/whoami", admin, b -> b.GET());
        assertThat(whoami.status()).isEqualTo(200);
        assertThat(whoami.body().get("name").asText()).isEqualTo("admin");

        Response signOut = gw.exchange("/ui/signout", b -> b.header("X-Gatehouse-Request", "1")
                .header("Cookie", WebSignIn.COOKIE + "=" + admin)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(signOut.status()).isEqualTo(200);
        assertThat(signOut.header("set-cookie"))
                .startsWith(WebSignIn.COOKIE + "=;")
                .contains("Max-Age=0");
    }

    @Test
    void aWrongTokenIsRefusedWithoutACookie() {
        Response wrong = signIn("gh_0000000000000000_notavalidsecretnotavalidsecretnotavalidsecret", true, null);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.header("set-cookie")).isNull();
    }

    @Test
    void cookieAuthenticatedChangesNeedTheUiHeaderAndOurOrigin() {
        Map<String, String> body = Map.of("name", "eve", "kind", "agent", "role", "user");
        Response forged = withCookie("/api/v1/identities", admin, b -> b.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))));
        assertThat(forged.status()).as("no X-Gatehouse-Request header").isEqualTo(403);
        assertThat(forged.body().get("detail").asText()).contains("X-Gatehouse-Request");

        Response crossSite = withCookie("/api/v1/identities", admin, b -> b.header("Content-Type", "application/json")
                .header("X-Gatehouse-Request", "1")
                .header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))));
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(gw.get("/api/v1/identities/eve", admin).status())
                .as("nothing was created")
                .isEqualTo(404);

        Response fromUi = withCookie("/api/v1/identities", admin, b -> b.header("Content-Type", "application/json")
                .header("X-Gatehouse-Request", "1")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))));
        assertThat(fromUi.status()).as(fromUi.text()).isEqualTo(201);

        assertThat(signIn(admin, false, null).status())
                .as("sign-in itself needs the header (no login CSRF)")
                .isEqualTo(403);
    }

    Response signIn(String token, boolean uiHeader, String origin) {
        return gw.exchange("/ui/signin", b -> {
            b.header("Content-Type", "application/json");
            if (uiHeader) {
                b.header("X-Gatehouse-Request", "1");
            }
            if (origin != null) {
                b.header("Origin", origin);
            }
            return b.POST(HttpRequest.BodyPublishers.ofString(json(Map.of("token", token))));
        });
    }

    Response withCookie(String path, String token, java.util.function.UnaryOperator<HttpRequest.Builder> build) {
        return gw.exchange(path, b -> build.apply(b.header("Cookie", WebSignIn.COOKIE + "=" + token)));
    }

    static String json(Object value) {
        try {
            return TestGateway.JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
