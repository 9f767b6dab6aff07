package io.gatehouse.store;

/**
 * One command event as indexed for the per-connection timeline.
 *
 * @param index the command event's index in its log
 * @param resultIndex the index of the event that recorded its outcome: its command.result, or the command
 *     event itself when that carries the outcome; null until recorded
 * @param status the recorded outcome, e.g. {@code ok} or {@code error}; null until recorded
 * @param position where this command sits in a timeline, the cursor of the next page
 */
public record CommandRecord(
        String origin,
        long index,
        String session,
        Long commandNo,
        String identity,
        String connection,
        long timeMicros,
        String text,
        Long resultIndex,
        String status,
        SessionRepository.Cursor position) {}
