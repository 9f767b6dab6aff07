package io.gatehouse.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.gateway.testing.TestGateway;
import io.gatehouse.testkit.EmbeddedPostgresServer;
import io.gatehouse.testkit.PostgresDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue "Read the record back", the web UI in a real browser (Debian's headless Chromium and chromedriver):
 * an admin signs in, an agent runs a statement with a parameter through the gateway with pgJDBC while the
 * admin watches its session page, the statement appears live with its parameter and outcome, the integrity
 * badge turns verified once a signed checkpoint covers the session, an auditor reads it too, and a plain
 * user sees neither the session in the list nor its page.
 *
 * <p>Screenshots land in {@code target/screenshots/} (kept as build artifacts); the README's one is a copy
 * of {@code session-verified.png}.
 */
class BrowserReviewTest {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path data;

    @TempDir
    static Path profile;

    static TestGateway gw;
    static PostgresDatabase database;
    static String devin;
    static String ada;
    static String max;
    static WebDriver browser;
    static WebDriverWait until;

    @BeforeAll
    static void start() throws IOException {
        EmbeddedPostgresServer server = EmbeddedPostgresServer.shared();
        database = server.createPostgresDatabase();
        gw = TestGateway.start(data, Clock.systemUTC());
        devin = identityWithToken("devin", "agent", "user");
        ada = identityWithToken("ada", "human", "auditor");
        max = identityWithToken("max", "agent", "user");
        created(gw.post(
                "/api/v1/connections",
                gw.adminToken(),
                Map.of(
                        "name", "pg-prod",
                        "type", "postgres",
                        "target", "127.0.0.1:" + server.port(),
                        "username", "postgres",
                        "database", database.name(),
                        "recording", "full")));
        created(gw.post("/api/v1/connectors", gw.adminToken(), Map.of("name", "pg-net")));
        created(gw.post(
                "/api/v1/connections",
                gw.adminToken(),
                Map.of("name", "pg-remote", "type", "postgres", "target", "127.0.0.1:1", "connector", "pg-net")));
        for (String identity : List.of("devin", "max")) {
            created(gw.post("/api/v1/grants", gw.adminToken(), Map.of("identity", identity, "connection", "pg-prod")));
        }
        Files.createDirectories(SCREENSHOTS);
        browser = chromium(profile);
        until = new WebDriverWait(browser, WAIT);
        // pages re-render (lists refresh, actions reload): an element may go stale between two looks
        until.ignoring(StaleElementReferenceException.class);
    }

    /** Each test starts signed out, whatever the previous one left behind. */
    @BeforeEach
    void signedOut() {
        browser.get(base() + "/ui/");
        browser.manage().deleteAllCookies();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (gw != null) {
            gw.close();
        }
    }

    /** Debian's chromium through Debian's chromedriver: named explicitly, so Selenium never downloads a driver. */
    static WebDriver chromium(Path userDataDir) {
        Path driver = Path.of("/usr/bin/chromedriver");
        Path binary = Path.of("/usr/bin/chromium");
        assertThat(driver)
                .as("chromium-driver is installed (.ci/run installs it)")
                .exists();
        assertThat(binary).as("chromium is installed (.ci/run installs it)").exists();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                // the gateway's development CA is not in the browser's trust store
                "--ignore-certificate-errors",
                "--window-size=1400,1000",
                "--user-data-dir=" + userDataDir.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver chrome = new ChromeDriver(service, options);
        chrome.manage().window().setSize(new Dimension(1400, 1000));
        return chrome;
    }

    @Test
    void aReviewerWatchesAStatementArriveLiveAndSeesItVerified() throws Exception {
        signIn(gw.adminToken());
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("admin (admin)");
        assertThat(browser.manage().getCookieNamed("gatehouse_token").isHttpOnly())
                .isTrue();
        assertThat((Object) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return document.cookie"))
                .as("scripts cannot read the token")
                .isEqualTo("");

        try (Connection agent = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + gw.gateway().pgPort() + "/pg-prod?sslmode=require", "devin", devin)) {
            try (Statement first = agent.createStatement();
                    ResultSet one = first.executeQuery("SELECT count(*) FROM pg_class")) {
                assertThat(one.next()).isTrue();
            }
            // the open session shows up in the list, marked live
            String session = until.until(d -> {
                d.navigate().refresh();
                List<WebElement> rows = d.findElements(By.cssSelector("#sessions tbody tr[data-session]"));
                return rows.stream()
                        .filter(r -> r.getText().contains("devin")
                                && !r.findElements(By.cssSelector(".badge.live"))
                                        .isEmpty())
                        .map(r -> r.getAttribute("data-session"))
                        .findFirst()
                        .orElse(null);
            });
            screenshot("sessions-live");
            browser.findElement(By.linkText(session)).click();
            until.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.id("commands"), "SELECT count(*) FROM pg_class"));
            assertThat(browser.findElement(By.id("session-status")).getText()).isEqualTo("live");

            // a statement with a parameter, run while the reviewer watches
            try (PreparedStatement greet = agent.prepareStatement("SELECT ?::text AS greeting, 6 * 7 AS answer")) {
                greet.setString(1, "hello from the browser test");
                try (ResultSet r = greet.executeQuery()) {
                    assertThat(r.next()).isTrue();
                }
            }
            WebElement row = until.until(d -> d.findElements(By.cssSelector("#commands tr.command")).stream()
                    .filter(r -> r.getText().contains("SELECT $1::text AS greeting"))
                    .findFirst()
                    .orElse(null));
            until.until(d -> row.getText().contains("$1 = hello from the browser test"));
            until.until(d -> row.getText().contains("SELECT 1"));
            assertThat(row.findElement(By.cssSelector(".badge.ok")).getText()).isEqualTo("ok");
            screenshot("session-live");
        }

        // the client left: the session ends, and a signed checkpoint soon covers all of it
        until.until(ExpectedConditions.textToBe(By.id("session-status"), "closed"));
        until.until(ExpectedConditions.textToBe(By.id("session-integrity"), "✔ verified"));
        until.until(d -> d.findElements(By.cssSelector("#commands td.integrity")).stream()
                .allMatch(cell -> cell.getText().equals("✔ verified")));
        screenshot("session-verified"); // docs/web-ui-session.png is a copy of this one
        String sessionUrl = browser.getCurrentUrl();

        // the per-connection timeline shows the same commands in execution order
        browser.findElement(By.linkText("pg-prod")).click();
        until.until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "hello from the browser test"));
        List<String> commands = browser.findElements(By.cssSelector("#timeline tbody tr")).stream()
                .map(WebElement::getText)
                .toList();
        assertThat(commands)
                .as("pgJDBC's own SET, then ours, in execution order")
                .satisfiesExactly(
                        set -> assertThat(set).contains("SET application_name"),
                        count -> assertThat(count).contains("SELECT count(*) FROM pg_class", "devin"),
                        greeting -> assertThat(greeting)
                                .contains("SELECT $1::text AS greeting", "$1 = hello from the browser test"));
        screenshot("timeline");

        signOut();
        assertThat(browser.manage().getCookieNamed("gatehouse_token")).isNull();

        // an auditor reads every session
        signIn(ada);
        until.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sessions"), "devin"));
        browser.get(sessionUrl);
        until.until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("commands"), "hello from the browser test"));
        signOut();

        // a plain user sees none of devin's sessions, not even by their address
        signIn(max);
        until.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sessions"), "No session matches."));
        assertThat(browser.findElement(By.id("sessions")).getText()).doesNotContain("devin");
        browser.get(sessionUrl);
        until.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[role=alert]"), "no session"));
        assertThat(browser.findElements(By.id("commands"))).isEmpty();
        screenshot("user-denied");
        signOut();
    }

    @Test
    void anAdminCreatesAnIdentityMintsAOnceShownTokenRevokesItAndDisablesTheIdentity() {
        signIn(gw.adminToken());
        browser.findElement(By.linkText("Identities & tokens")).click();
        WebElement name = until.until(ExpectedConditions.elementToBeClickable(By.name("name")));
        name.sendKeys("bot-1");
        name.submit();
        until.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-identity='bot-1']")));

        new Select(browser.findElement(By.cssSelector("form[aria-label='Mint token'] select[name=identity]")))
                .selectByValue("bot-1");
        browser.findElement(By.cssSelector("form[aria-label='Mint token'] button[type=submit]"))
                .click();
        String minted = until.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-token")))
                .getText();
        assertThat(gw.get("/api/v1/whoami", minted).body().get("name").asText())
                .as("the shown token works")
                .isEqualTo("bot-1");
        // no screenshot here: it would put a token into the build's artifacts
        browser.findElement(By.xpath("//button[starts-with(., 'Done')]")).click();
        until.until(ExpectedConditions.invisibilityOfElementLocated(By.id("new-token")));
        assertThat(browser.getPageSource().contains(minted))
                .as("the token is shown once (the message never prints it)")
                .isFalse();

        WebElement tokenRow = until.until(d -> d.findElements(By.cssSelector("#tokens tbody tr")).stream()
                .filter(r -> r.getText().contains("bot-1") && r.getText().contains("active"))
                .findFirst()
                .orElse(null));
        String tokenId = tokenRow.getAttribute("data-token");
        tokenRow.findElement(By.xpath(".//button[.='Revoke']")).click();
        until.until(d -> d.findElement(By.cssSelector("#tokens tr[data-token='" + tokenId + "']"))
                .getText()
                .contains("revoked"));
        assertThat(gw.get("/api/v1/whoami", minted).status()).as("revoked").isEqualTo(401);

        browser.findElement(By.cssSelector("tr[data-identity='bot-1']"))
                .findElement(By.xpath(".//button[.='Disable']"))
                .click();
        until.until(d -> d.findElement(By.cssSelector("tr[data-identity='bot-1']"))
                .getText()
                .contains("disabled"));

        browser.findElement(By.linkText("Connections")).click();
        until.until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("connections"), "a command reaches the database only after its record is durable"));
        assertThat(browser.findElement(By.id("connections")).getText()).contains("pg-prod", "built-in");
        // A connection through a connector that never came online shows it plainly.
        assertThat(browser.findElement(By.id("connections")).getText()).contains("pg-remote", "pg-net offline");
        signOut();
    }

    @Test
    void aWrongTokenIsRefusedOnTheSignInPage() {
        browser.get(base() + "/ui/");
        WebElement token = until.until(ExpectedConditions.elementToBeClickable(By.id("token")));
        token.sendKeys("gh_not_a_real_token");
        browser.findElement(By.id("signin")).click();
        until.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signin-error"), "token"));
        assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();
    }

    static void signIn(String token) {
        browser.get(base() + "/ui/");
        WebElement field = until.until(ExpectedConditions.elementToBeClickable(By.id("token")));
        field.sendKeys(token);
        field.submit();
        until.until(ExpectedConditions.visibilityOfElementLocated(By.id("sessions")));
        assertThat(browser.getCurrentUrl()).as("no token in the address").doesNotContain(token);
    }

    static void signOut() {
        browser.findElement(By.id("signout")).click();
        until.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    }

    static String base() {
        return "https://127.0.0.1:" + gw.gateway().apiPort();
    }

    static Path screenshot(String name) {
        try {
            Path file = SCREENSHOTS.resolve(name + ".png");
            byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
            Files.write(file, png);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String identityWithToken(String name, String kind, String role) {
        created(gw.post("/api/v1/identities", gw.adminToken(), Map.of("name", name, "kind", kind, "role", role)));
        TestGateway.Response token = gw.post("/api/v1/tokens", gw.adminToken(), Map.of("identity", name));
        created(token);
        return token.body().get("token").asText();
    }

    static void created(TestGateway.Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }
}
