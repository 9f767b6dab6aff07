package io.gatehouse.audit;

/**
 * Bytes that are not a canonical record: the only exception a decoder of untrusted input throws. It carries the
 * byte offset where decoding stopped (or -1 where a position makes no sense) and the reason.
 */
public final class MalformedRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long offset;
    private final String reason;

    public MalformedRecordException(long offset, String reason) {
        super(offset >= 0 ? "malformed record at offset " + offset + ": " + reason : "malformed record: " + reason);
        this.offset = offset;
        this.reason = reason;
    }

    public MalformedRecordException(long offset, String reason, Throwable cause) {
        this(offset, reason);
        initCause(cause);
    }

    /** Byte offset of the problem, or -1 if unknown. */
    public long offset() {
        return offset;
    }

    public String reason() {
        return reason;
    }
}
