package io.gatehouse.store;

/** How much of a session is recorded: everything, or commands with result metadata only. */
public enum RecordingContent {
    FULL,
    COMMANDS;

    /** The lower-case name used in configuration, the CLI, the API and the database. */
    public String wireName() {
        return WireNames.lowerCase(this);
    }

    /** Parses a {@link #wireName()}; the exception names the bad value and the expected ones. */
    public static RecordingContent parse(String value) {
        return WireNames.parse("recording content", values(), RecordingContent::wireName, value);
    }
}
