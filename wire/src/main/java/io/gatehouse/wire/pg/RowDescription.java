package io.gatehouse.wire.pg;

import java.util.List;

/** 'T': the columns of the rows that follow. */
public record RowDescription(List<Field> fields) implements BackendMessage {
    public RowDescription {
        fields = List.copyOf(fields);
    }

    /** One column: its name, source table and attribute (0 if none), type, and format code. */
    public record Field(
            String name,
            int tableOid,
            short columnAttributeNumber,
            int typeOid,
            short typeSize,
            int typeModifier,
            short formatCode) {}
}
