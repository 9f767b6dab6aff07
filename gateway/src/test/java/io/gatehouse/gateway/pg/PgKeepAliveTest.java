package io.gatehouse.gateway.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's two TCP connections (client → gateway, gateway → database) carry the kernel's keepalive timer
 * while idle, so a peer that vanished without FIN or RST ends the session instead of holding it forever. The
 * timer is read where the kernel shows it, {@code /proc/net/tcp} (proc(5): {@code tr} = 2 is the keepalive
 * timer), for the sockets on the gateway's side of each connection.
 */
class PgKeepAliveTest {

    @Test
    void bothConnectionsOfAnIdleSessionHaveTheKeepaliveTimer(@TempDir Path dir) throws Exception {
        try (PgFixture pg = new PgFixture(dir);
                Connection c = pg.connect("devin", pg.token);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select inet_client_port()")) {
            rs.next();
            int upstreamLocalPort = rs.getInt(1); // the gateway's end of its connection to the database
            Thread.sleep(200); // idle: no data in flight, so no retransmission timer in the way

            List<String[]> sockets = established();
            assertThat(sockets)
                    .as("the gateway's end of the client connection (local port %d)", pg.pgPort())
                    .filteredOn(f -> port(f[1]) == pg.pgPort())
                    .isNotEmpty()
                    .allSatisfy(f -> assertThat(timer(f)).as("timer").isEqualTo("02"));
            assertThat(sockets)
                    .as("the gateway's connection to the database (local port %d)", upstreamLocalPort)
                    .filteredOn(f -> port(f[1]) == upstreamLocalPort && port(f[2]) == pg.server.port())
                    .singleElement()
                    .satisfies(f -> assertThat(timer(f)).as("timer").isEqualTo("02"));
        }
    }

    /** ESTABLISHED IPv4 and IPv6 sockets, split into proc(5) fields. */
    private static List<String[]> established() throws IOException {
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(Path.of("/proc/net/tcp")));
        Path v6 = Path.of("/proc/net/tcp6");
        if (Files.exists(v6)) {
            lines.addAll(Files.readAllLines(v6));
        }
        return lines.stream()
                .map(String::strip)
                .filter(l -> !l.startsWith("sl"))
                .map(l -> l.split("\\s+"))
                .filter(f -> f.length > 5 && f[3].equals("01"))
                .toList();
    }

    /** The port of an {@code ADDRESS:PORT} field, the port in hex. */
    private static int port(String field) {
        return Integer.parseInt(field.substring(field.lastIndexOf(':') + 1), 16);
    }

    /** The {@code tr} half of the {@code tr:tm->when} field. */
    private static String timer(String[] fields) {
        return fields[5].split(":")[0].toUpperCase(Locale.ROOT);
    }
}
