package io.gatehouse.store.internal;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run of contiguous events contributes to the sessions index, computed in memory before the
 * indexer's transaction: one summary per session, the command rows, and the outcomes of commands indexed
 * by an earlier batch. A command's outcome comes from a later {@code command.result} with the same {@code
 * command} number in the same session, or from the command event itself when it carries a {@code status}.
 */
final class IndexBatch {
    /** One command row; {@code resultIndex}/{@code status} may be filled in by a later event of the batch. */
    static final class CommandRow {
        final long index;
        final String session;
        final Long number;
        final String identity;
        final String connection;
        final long timeMicros;
        final String text;
        Long resultIndex;
        String status;

        CommandRow(long index, Event event, EventFacts facts) {
            this.index = index;
            this.session = event.session();
            this.number = facts.commandNo();
            this.identity = event.identity();
            this.connection = event.connection();
            this.timeMicros = event.timeMicros();
            this.text = facts.text();
            if (facts.status() != null) {
                resultIndex = index;
                status = facts.status();
            }
        }
    }

    /** The outcome of a command that an earlier batch indexed. */
    record LateOutcome(String session, long number, long resultIndex, String status) {}

    private record CommandKey(String session, long number) {}

    final Map<String, SessionSummary> sessions = new LinkedHashMap<>();
    final List<CommandRow> commands = new ArrayList<>();
    final List<LateOutcome> lateOutcomes = new ArrayList<>();
    private final Map<CommandKey, CommandRow> awaitingOutcome = new HashMap<>();

    /** Adds the event at {@code index}; events must be added in log order. */
    void add(long index, Event event) {
        if (event.session() == null) {
            return; // admin actions and other session-less events are not part of any session
        }
        EventFacts facts = EventFacts.of(event);
        sessions.computeIfAbsent(event.session(), s -> new SessionSummary(index, event))
                .add(index, event, facts);
        if (event.kind() == EventKind.COMMAND) {
            CommandRow row = new CommandRow(index, event, facts);
            commands.add(row);
            if (row.number != null && row.status == null) {
                awaitingOutcome.put(new CommandKey(row.session, row.number), row);
            }
        } else if (event.kind() == EventKind.COMMAND_RESULT && facts.commandNo() != null) {
            CommandRow row = awaitingOutcome.remove(new CommandKey(event.session(), facts.commandNo()));
            if (row != null) {
                row.resultIndex = index;
                row.status = facts.status();
            } else {
                lateOutcomes.add(new LateOutcome(event.session(), facts.commandNo(), index, facts.status()));
            }
        }
    }

    /** What the batch adds to one session's row. */
    static final class SessionSummary {
        final String session;
        final long firstIndex;
        final long startedMicros;
        String identity;
        String connection;
        EventFacts start;
        boolean ended;
        Long endedMicros;
        String endReason;
        long lastIndex;
        long events;
        long commands;
        long errors;

        SessionSummary(long index, Event first) {
            this.session = first.session();
            this.firstIndex = index;
            this.startedMicros = first.timeMicros();
            // A connection refused before its session started writes one blocked event and nothing else:
            // that session is over as soon as it appears. (A block inside a running session finds its row
            // already there, and an update never closes a session except through session.end.)
            if (first.kind() == EventKind.BLOCKED) {
                endedMicros = first.timeMicros();
            }
        }

        void add(long index, Event event, EventFacts facts) {
            if (identity == null) {
                identity = event.identity();
            }
            if (connection == null) {
                connection = event.connection();
            }
            switch (event.kind()) {
                case SESSION_START -> start = facts;
                case SESSION_END -> {
                    ended = true;
                    endedMicros = event.timeMicros();
                    endReason = facts.text();
                }
                case COMMAND -> {
                    commands++;
                    errors += "error".equals(facts.status()) ? 1 : 0;
                }
                case COMMAND_RESULT -> errors += "error".equals(facts.status()) ? 1 : 0;
                case BLOCKED -> {
                    errors++;
                    if (endReason == null && start == null && index == firstIndex) {
                        endReason = facts.text();
                    }
                }
                case OUTPUT, APPROVAL, ADMIN -> {}
            }
            lastIndex = index;
            events++;
        }

        /** True when the session is over as far as this batch is concerned (ended, or refused at once). */
        boolean closedOnInsert() {
            return endedMicros != null;
        }
    }
}
