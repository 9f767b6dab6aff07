package io.gatehouse.wire.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * binary-values.tsv holds, per row, a type OID, the bytes its send function produced and its text
 * output, captured once from PostgreSQL 15 with TimeZone UTC and DateStyle ISO.
 */
class ParameterRendererTest {
    /** Types ParameterRenderer deliberately does not decode: their binary form renders as hex. */
    private static final Set<Integer> HEX_ONLY = Set.of(1186);

    record Row(int oid, byte[] binary, String text) {}

    static List<Row> rows() throws IOException {
        try (InputStream in = ParameterRendererTest.class.getResourceAsStream("binary-values.tsv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .skip(1)
                    .map(line -> line.split("\t", -1))
                    .map(f -> new Row(Integer.parseInt(f[0]), HexFormat.of().parseHex(unquote(f[1])), unquote(f[2])))
                    .toList();
        }
    }

    private static String unquote(String csv) {
        return csv.startsWith("\"") ? csv.substring(1, csv.length() - 1).replace("\"\"", "\"") : csv;
    }

    @Test
    void binaryValuesRenderAsPostgresPrintsThem() throws IOException {
        List<Row> rows = rows();
        assertThat(rows).hasSizeGreaterThan(70);
        for (Row row : rows) {
            String expected = HEX_ONLY.contains(row.oid()) ? ParameterRenderer.hex(row.binary()) : row.text();
            assertThat(ParameterRenderer.render(row.oid(), ParameterRenderer.BINARY, row.binary()))
                    .as("oid %d, bytes %s", row.oid(), HexFormat.of().formatHex(row.binary()))
                    .isEqualTo(expected);
        }
    }

    @Test
    void textFormatIsTheTextAndNullIsNull() {
        assertThat(ParameterRenderer.render(23, ParameterRenderer.TEXT, "42".getBytes()))
                .isEqualTo("42");
        assertThat(ParameterRenderer.render(23, ParameterRenderer.TEXT, (byte[]) null))
                .isNull();
    }

    @Test
    void malformedOrUnknownBinaryFallsBackToHex() {
        assertThat(ParameterRenderer.render(23, ParameterRenderer.BINARY, new byte[] {1, 2, 3}))
                .isEqualTo("\\x010203");
        assertThat(ParameterRenderer.render(1700, ParameterRenderer.BINARY, new byte[] {0, 1, 0, 0, 0, 0, 0, 0}))
                .isEqualTo("\\x0001000000000000");
        assertThat(ParameterRenderer.render(999999, ParameterRenderer.BINARY, new byte[] {(byte) 0xAB}))
                .isEqualTo("\\xab");
        assertThat(ParameterRenderer.render(25, ParameterRenderer.TEXT, new byte[] {(byte) 0xFF}))
                .isEqualTo("\\xff");
        assertThat(ParameterRenderer.render(25, (short) 7, new byte[] {0x41})).isEqualTo("\\x41");
    }
}
