package io.gatehouse.gateway.pg;

/**
 * Caps of the row preview recorded for connections with recording content {@code full}: at most {@code
 * rows} rows and {@code bytes} bytes of rendered (UTF-8) column text per statement; {@code rows == 0}
 * turns previews off.
 */
public record PreviewLimits(int rows, int bytes) {
    public PreviewLimits {
        if (rows < 0 || bytes < 0) {
            throw new IllegalArgumentException(
                    "preview limits must not be negative, got rows=" + rows + ", bytes=" + bytes);
        }
    }

    /** 100 rows, 64 KiB per statement. */
    public static PreviewLimits defaults() {
        return new PreviewLimits(100, 64 << 10);
    }
}
