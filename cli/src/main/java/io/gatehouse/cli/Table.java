package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table that fits a terminal: columns sized to content, long cells shortened with '…'. */
final class Table {
    private static final int MAX_CELL = 48;
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private int elasticColumn = -1;
    private int maxLineWidth = Integer.MAX_VALUE;

    Table(String... headers) {
        this.headers = List.of(headers);
    }

    Table row(String... cells) {
        List<String> row = new ArrayList<>();
        for (String c : cells) {
            String cell = c == null ? "-" : c;
            row.add(cell.length() > MAX_CELL ? cell.substring(0, MAX_CELL - 1) + "…" : cell);
        }
        rows.add(row);
        return this;
    }

    /**
     * Lines at most {@code maxLineWidth} wide, by shortening the cells of {@code column} (e.g. the SQL) down
     * to 16 characters if need be; the other columns keep their width.
     */
    Table fitting(int column, int maxLineWidth) {
        this.elasticColumn = column;
        this.maxLineWidth = maxLineWidth;
        return this;
    }

    /** The terminal's width from {@code COLUMNS} when the shell exports it, else 120. */
    static int terminalWidth() {
        try {
            return Math.max(
                    60,
                    Integer.parseInt(
                            System.getenv().getOrDefault("COLUMNS", "120").strip()));
        } catch (NumberFormatException e) {
            return 120;
        }
    }

    void print(PrintWriter out) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> r : rows) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        }
        if (elasticColumn >= 0) {
            int total = 2 * (widths.length - 1);
            for (int w : widths) {
                total += w;
            }
            int excess = total - maxLineWidth;
            if (excess > 0) {
                widths[elasticColumn] = Math.max(16, widths[elasticColumn] - excess);
                for (List<String> r : rows) {
                    String cell = r.get(elasticColumn);
                    if (cell.length() > widths[elasticColumn]) {
                        r.set(elasticColumn, cell.substring(0, widths[elasticColumn] - 1) + "…");
                    }
                }
            }
        }
        line(out, headers, widths);
        for (List<String> r : rows) {
            line(out, r, widths);
        }
        out.flush();
    }

    private static void line(PrintWriter out, List<String> cells, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            sb.append(c);
            if (i < cells.size() - 1) {
                sb.append(" ".repeat(widths[i] - c.length() + 2));
            }
        }
        out.println(sb.toString().stripTrailing());
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
