package io.gatehouse.store;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Shared parsing of the lower-case names that enums of this package use in config, CLI and the database. */
final class WireNames {
    private WireNames() {}

    static <E extends Enum<E>> E parse(String what, E[] values, Function<E, String> wireName, String value) {
        for (E candidate : values) {
            if (wireName.apply(candidate).equals(value)) {
                return candidate;
            }
        }
        String expected = Arrays.stream(values).map(wireName).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("unknown " + what + " '" + value + "'; expected one of: " + expected);
    }

    static String lowerCase(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
