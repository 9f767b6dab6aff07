package io.gatehouse.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ValidationTest {
    @Test
    void namesAreLowerCaseTokensThatNeedNoQuoting() {
        assertThat(Validation.name("identity", "devin-01")).isEqualTo("devin-01");
        assertThatThrownBy(() -> Validation.name("identity", "Devin"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("identity name 'Devin' is not valid");
        assertThatThrownBy(() -> Validation.name("connection", "-x")).hasMessageContaining("'-x'");
        assertThatThrownBy(() -> Validation.name("connection", "a".repeat(64)))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> Validation.name("connection", "pg prod")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void targetsNeedAHostAndAPortInRange() {
        assertThat(Validation.target("db.internal:5432")).isEqualTo("db.internal:5432");
        assertThat(Validation.target("[::1]:5432")).isEqualTo("[::1]:5432");
        assertThat(Validation.target(" 127.0.0.1:1 ")).isEqualTo("127.0.0.1:1");
        for (String bad : new String[] {"db.internal", "db:0", "db:65536", ":5432", "db:port", "a b:1", "[zz]:1"}) {
            assertThatThrownBy(() -> Validation.target(bad))
                    .as(bad)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("expected HOST:PORT");
        }
    }

    @Test
    void secretReferencesNameAnEnvironmentVariable() {
        assertThat(Validation.secretReference("env:PG_PASSWORD")).isEqualTo("env:PG_PASSWORD");
        assertThatThrownBy(() -> Validation.secretReference("file:/etc/x")).hasMessageContaining("expected env:NAME");
        assertThatThrownBy(() -> Validation.secretReference("env:1X")).isInstanceOf(InvalidRequestException.class);
    }
}
