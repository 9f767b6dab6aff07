package io.gatehouse.store.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Portable column conversions. Times are stored as microseconds since the epoch on both dialects, so an
 * {@link Instant} round-trips exactly at microsecond precision (finer digits are truncated).
 */
final class Jdbc {
    private Jdbc() {}

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    static void setInstant(PreparedStatement statement, int parameter, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(parameter, Types.BIGINT);
        } else {
            statement.setLong(parameter, micros(instant));
        }
    }

    static Instant instant(ResultSet row, String column) throws SQLException {
        long micros = row.getLong(column);
        return row.wasNull() ? null : instant(micros);
    }

    static void setNullableString(PreparedStatement statement, int parameter, String value) throws SQLException {
        if (value == null) {
            statement.setNull(parameter, Types.VARCHAR);
        } else {
            statement.setString(parameter, value);
        }
    }

    static void setNullableBytes(PreparedStatement statement, int parameter, byte[] value) throws SQLException {
        if (value == null) {
            statement.setNull(parameter, Types.BINARY);
        } else {
            statement.setBytes(parameter, value);
        }
    }
}
