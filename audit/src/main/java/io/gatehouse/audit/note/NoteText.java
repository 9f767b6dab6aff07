package io.gatehouse.audit.note;

import io.gatehouse.audit.note.CheckpointException.Reason;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The syntax of a signed note (c2sp.org/signed-note): text ending in a newline, a blank line, then one or more
 * lines {@code — <key name> <base64 signature>}. Parsing splits at the <em>last</em> blank line, as the reference
 * implementation does, and bounds the work: at most {@link #MAX_NOTE_CHARS} characters and {@link #MAX_SIGNATURES}
 * signature lines.
 */
record NoteText(String text, List<Line> signatures) {
    static final String SIGNATURE_PREFIX = "\u2014 ";
    static final int MAX_NOTE_CHARS = 1 << 20;
    static final int MAX_SIGNATURES = 100;

    record Line(String keyName, byte[] blob) {}

    /** Notes must be UTF-8 without ASCII control characters other than newline. */
    static void checkText(String text) {
        if (text.isEmpty() || !text.endsWith("\n")) {
            throw new IllegalArgumentException("note text must be non-empty and end in a newline");
        }
        checkCharacters(text);
        if (text.contains("\n\n")) {
            throw new IllegalArgumentException("note text must not contain a blank line");
        }
    }

    private static void checkCharacters(String text) {
        io.gatehouse.audit.internal.Text.requireWellFormed(text, "note");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new IllegalArgumentException("control character U+" + String.format("%04X", (int) c) + " at " + i
                        + ", expected printable text and newlines");
            }
        }
    }

    static NoteText parse(String note) throws CheckpointException {
        if (note == null) {
            throw new CheckpointException(Reason.MALFORMED_NOTE, "no note (null)");
        }
        if (note.length() > MAX_NOTE_CHARS) {
            throw new CheckpointException(
                    Reason.MALFORMED_NOTE, "note has " + note.length() + " chars, at most " + MAX_NOTE_CHARS);
        }
        try {
            checkCharacters(note);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(Reason.MALFORMED_NOTE, e.getMessage());
        }
        int split = note.lastIndexOf("\n\n");
        if (split < 0 || !note.endsWith("\n")) {
            throw new CheckpointException(
                    Reason.MALFORMED_NOTE, "no blank line before signatures, or note does not end in newline");
        }
        if (split + 2 >= note.length()) {
            throw new CheckpointException(Reason.MALFORMED_NOTE, "no signature lines after the blank line");
        }
        String text = note.substring(0, split + 1);
        String[] lines = note.substring(split + 2, note.length() - 1).split("\n", -1);
        if (lines.length > MAX_SIGNATURES) {
            throw new CheckpointException(
                    Reason.MALFORMED_NOTE, lines.length + " signature lines, at most " + MAX_SIGNATURES);
        }
        List<Line> signatures = new ArrayList<>(lines.length);
        for (int i = 0; i < lines.length; i++) {
            signatures.add(parseLine(lines[i], i));
        }
        return new NoteText(text, signatures);
    }

    private static Line parseLine(String line, int number) throws CheckpointException {
        int space = line.indexOf(' ', SIGNATURE_PREFIX.length());
        if (!line.startsWith(SIGNATURE_PREFIX) || space < 0) {
            throw new CheckpointException(
                    Reason.MALFORMED_NOTE,
                    "signature line " + (number + 1) + " is not '\u2014 <key name> <base64 signature>'");
        }
        String name = line.substring(SIGNATURE_PREFIX.length(), space);
        byte[] blob;
        try {
            Ed25519Keys.checkName(name);
            blob = Base64.getDecoder().decode(line.substring(space + 1));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(
                    Reason.MALFORMED_NOTE, "signature line " + (number + 1) + ": " + e.getMessage());
        }
        if (blob.length < 5) {
            throw new CheckpointException(
                    Reason.MALFORMED_NOTE,
                    "signature line " + (number + 1) + " has " + blob.length
                            + " bytes, expected a 4-byte key hash and a signature");
        }
        return new Line(name, blob);
    }
}
