package io.gatehouse.gateway.pg;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.wire.pg.BackendMessage;
import io.gatehouse.wire.pg.Bind;
import io.gatehouse.wire.pg.Bytes;
import io.gatehouse.wire.pg.Close;
import io.gatehouse.wire.pg.CommandComplete;
import io.gatehouse.wire.pg.CopyData;
import io.gatehouse.wire.pg.Describe;
import io.gatehouse.wire.pg.EmptyQueryResponse;
import io.gatehouse.wire.pg.ErrorResponse;
import io.gatehouse.wire.pg.Execute;
import io.gatehouse.wire.pg.FrontendMessage;
import io.gatehouse.wire.pg.FunctionCall;
import io.gatehouse.wire.pg.NoData;
import io.gatehouse.wire.pg.ParameterRenderer;
import io.gatehouse.wire.pg.Parse;
import io.gatehouse.wire.pg.PortalSuspended;
import io.gatehouse.wire.pg.Query;
import io.gatehouse.wire.pg.ReadyForQuery;
import io.gatehouse.wire.pg.RowDescription;
import io.gatehouse.wire.pg.Sync;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns one session's frontend messages into {@code command} events and its backend replies into {@code
 * command.result} events (or, on best-effort connections, into the outcome fields of the one {@code command}
 * event per statement: see the constructor). Pure bookkeeping: no I/O; the caller decides when events are
 * appended.
 *
 * <p><b>Statements and portals</b> ("Extended Query" in the protocol chapter). Parse creates a statement
 * (the unnamed one is replaced by the next unnamed Parse and destroyed by a simple Query); Bind creates a
 * portal from a statement with parameter values, rendered here with the statement's parameter type OIDs
 * (OID 0: text rendering for text format, hex for binary); Execute runs a portal and is what gets recorded,
 * so a statement parsed once and executed a thousand times yields a thousand events with their own
 * parameters. Named portals last until the transaction ends, so they are forgotten at ReadyForQuery 'I'.
 * An Execute with a row limit (pgJDBC's fetch size) that ends in PortalSuspended is continued by the next
 * Execute of the same portal: that is the same statement fetching more rows, so it is not recorded again;
 * the statement's one result counts the DataRows of every fetch (each fetch's tag counts only its own).
 *
 * <p><b>Matching replies</b> (after pgJDBC's QueryExecutorImpl). Replies come strictly in request order, so
 * every frontend message that draws a reply is queued (FIFO) and each backend message resolves the head:
 * ParseComplete/BindComplete/CloseComplete one entry; RowDescription or NoData a Describe; CommandComplete,
 * EmptyQueryResponse, PortalSuspended or ErrorResponse an Execute; ReadyForQuery a Sync, a simple Query or a
 * FunctionCall (a simple Query may hold several statements, so its result collects every CommandComplete
 * until ReadyForQuery). Hazard: after an ErrorResponse in an extended pipeline the server discards every
 * message up to the next Sync; the Executes among them never ran, and are recorded as {@code skipped}.
 */
final class CommandTracker {
    private enum Kind {
        PARSE,
        BIND,
        DESCRIBE,
        CLOSE,
        EXECUTE,
        SYNC,
        QUERY,
        FUNCTION_CALL
    }

    private record Prepared(String query, List<Integer> typeOids) {}

    private record Portal(String statement, String query, List<Value> parameters, List<Short> resultFormats) {}

    /** One recorded command waiting for its outcome. */
    private static final class Command {
        final long number;
        final long startNanos;
        final List<String> tags = new ArrayList<>();
        ErrorResponse error;
        long copyBytes;
        /** The portal an Execute ran, so that a suspended one can be continued. */
        String portal;
        /** DataRow messages received: the row count of a portal fetched by several Executes. */
        long rowsReturned;
        /** Executes that ran this command's portal (more than one when a fetch size is used). */
        int fetches = 1;
        /** The first rows returned; null unless the connection records content {@code full}. */
        RowPreview preview;
        /** The columns of the rows this command returns, when known, and the formats the client asked for. */
        RowDescription description;

        List<Short> resultFormats = List.of();
        /** The statement an Execute's portal was bound from, and its text. */
        String statement;

        String sql;

        /**
         * The command's own event, held until the outcome is known when outcomes are folded into it
         * (best-effort); null when the command event was returned to be made durable before forwarding.
         */
        Event.Builder record;

        Command(long number, long startNanos) {
            this.number = number;
            this.startNanos = startNanos;
        }
    }

    /** {@code name}: for a Describe, {@code 'S'} or {@code 'P'} and the statement or portal name. */
    private record Pending(Kind kind, Command command, String name) {
        Pending(Kind kind, Command command) {
            this(kind, command, null);
        }
    }

    private final SessionContext session;
    private final Clock clock;
    private final Consumer<Event> results;
    private final Map<String, Prepared> statements = new HashMap<>();
    private final Map<String, Portal> portals = new HashMap<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Portals whose last Execute ended in PortalSuspended: the command a further Execute continues. */
    private final Map<String, Command> suspended = new HashMap<>();
    /** Row descriptions from Describe 'S' replies, keyed {@code 'S' + name}. */
    private final Map<String, RowDescription> descriptions = new HashMap<>();
    /**
     * The last row description seen per statement text: pgJDBC re-binds a statement it described before
     * without describing it again, asking for binary results. Bounded: cleared when it grows past 1,000.
     */
    private final Map<String, RowDescription> descriptionsBySql = new HashMap<>();

    private final PreviewLimits preview;
    private final boolean outcomeInCommand;

    private Command copyInProgress;
    private long commands;

    /**
     * {@code results} receives every outcome event as the outcome becomes known; {@code preview} caps the
     * rows kept per statement, or is null for no preview (recording content {@code commands}).
     *
     * <p>{@code outcomeInCommand} (best-effort connections): each statement is recorded as ONE {@code
     * command} event, built when it starts and emitted to {@code results} once its outcome is known, with
     * the outcome's fields ({@code status}, {@code tag}, {@code rows}, {@code sqlstate}, …) inside it;
     * {@link #onFrontend} then returns no event. Otherwise (fail-closed) {@link #onFrontend} returns the
     * {@code command} event, to be made durable before the statement is forwarded, and the outcome is a
     * separate {@code command.result}.
     */
    CommandTracker(
            SessionContext session,
            Clock clock,
            Consumer<Event> results,
            PreviewLimits preview,
            boolean outcomeInCommand) {
        this.preview = preview == null || preview.rows() == 0 ? null : preview;
        this.outcomeInCommand = outcomeInCommand;
        this.session = session;
        this.clock = clock;
        this.results = results;
    }

    /**
     * The newest {@code count} commands were refused before they were forwarded (their records could not be
     * made durable): they never ran, so they get no outcome, and they do not count among the session's
     * recorded commands. Their numbers are not handed out again: the session ends with the refusal.
     */
    void refused(int count) {
        long firstRefused = commands - count + 1;
        pending.removeIf(p -> p.command() != null && p.command().number >= firstRefused);
        suspended.values().removeIf(c -> c.number >= firstRefused);
        commands -= count;
    }

    /** Commands started so far (the {@code command} numbers handed out). */
    long commands() {
        return commands;
    }

    /**
     * Updates the bookkeeping for a message about to be forwarded; returns its command event if it is one
     * that must be recorded before forwarding (null with outcomes folded into commands: see the constructor).
     */
    Event onFrontend(FrontendMessage message) {
        switch (message) {
            case Query query -> {
                statements.remove("");
                portals.remove("");
                return command(Kind.QUERY, "simple", query.query(), null, null);
            }
            case Parse parse -> {
                statements.put(parse.name(), new Prepared(parse.query(), parse.parameterTypeOids()));
                pending.add(new Pending(Kind.PARSE, null));
            }
            case Bind bind -> {
                Prepared prepared = statements.get(bind.statement());
                List<Integer> oids = prepared == null ? List.of() : prepared.typeOids();
                List<Value> parameters = new ArrayList<>();
                for (int i = 0; i < bind.parameterValues().size(); i++) {
                    Bytes value = bind.parameterValues().get(i);
                    int oid = i < oids.size() ? oids.get(i) : 0;
                    String text = ParameterRenderer.render(oid, bind.parameterFormat(i), value);
                    parameters.add(text == null ? new Value.Null() : Value.of(text));
                }
                closeSuspended(bind.portal()); // Bind replaces a portal of the same name
                portals.put(
                        bind.portal(),
                        new Portal(
                                bind.statement(),
                                prepared == null ? null : prepared.query(),
                                parameters,
                                bind.resultFormats()));
                pending.add(new Pending(Kind.BIND, null));
            }
            case Execute execute -> {
                Command continued = suspended.remove(execute.portal());
                if (continued != null) {
                    // The same statement fetching its next rows (a fetch size): already recorded, one
                    // command per statement, and its result counts the rows of every fetch.
                    continued.fetches++;
                    pending.add(new Pending(Kind.EXECUTE, continued));
                    return null;
                }
                Portal portal = portals.get(execute.portal());
                if (portal == null) {
                    // Unknown to us means unknown to the server too: it will answer with an error.
                    return command(Kind.EXECUTE, "extended", null, List.of(), execute.portal());
                }
                Event event =
                        command(Kind.EXECUTE, "extended", portal.query(), portal.parameters(), portal.statement());
                Command command = pending.peekLast().command();
                command.portal = execute.portal();
                command.resultFormats = portal.resultFormats();
                command.statement = portal.statement();
                command.sql = portal.query();
                return event;
            }
            case FunctionCall call -> {
                List<Value> arguments = new ArrayList<>();
                for (int i = 0; i < call.arguments().size(); i++) {
                    short format = call.argumentFormats().isEmpty()
                            ? 0
                            : call.argumentFormats().get(call.argumentFormats().size() == 1 ? 0 : i);
                    String text =
                            ParameterRenderer.render(0, format, call.arguments().get(i));
                    arguments.add(text == null ? new Value.Null() : Value.of(text));
                }
                Command command = new Command(++commands, System.nanoTime());
                pending.add(new Pending(Kind.FUNCTION_CALL, command));
                return recordOrHold(
                        command,
                        session.event(EventKind.COMMAND, clock)
                                .field("command", new Value.Int(command.number))
                                .field("protocol", Value.of("function_call"))
                                .field("function_oid", new Value.Int(call.functionOid()))
                                .field("parameters", new Value.List(arguments))
                                .field("database", Value.of(session.database())));
            }
            case Describe describe -> pending.add(new Pending(Kind.DESCRIBE, null, describe.kind() + describe.name()));
            case Close close -> {
                descriptions.remove(close.kind() + close.name());
                if (close.kind() == 'S') {
                    statements.remove(close.name());
                } else {
                    portals.remove(close.name());
                    closeSuspended(close.name());
                }
                pending.add(new Pending(Kind.CLOSE, null));
            }
            case Sync ignored -> pending.add(new Pending(Kind.SYNC, null));
            case CopyData data -> countCopy(data.data().length());
            default -> {
                // Flush, CopyDone, CopyFail, Terminate draw no reply of their own.
            }
        }
        return null;
    }

    /** A CopyData from either side (or a streamed one, by its payload length) during COPY. */
    void countCopy(long bytes) {
        Command command = copyInProgress != null ? copyInProgress : headCommand();
        if (command != null) {
            command.copyBytes += bytes;
        }
    }

    /**
     * The statement text a Query, Execute or FunctionCall would run (for a refusal's record), or null for
     * messages that run nothing.
     */
    String statementOf(FrontendMessage message) {
        return switch (message) {
            case Query query -> query.query();
            case Execute execute -> {
                Portal portal = portals.get(execute.portal());
                yield portal == null || portal.query() == null ? "" : portal.query();
            }
            case FunctionCall call -> "function call, oid " + call.functionOid();
            default -> null;
        };
    }

    /** A DataRow streamed in chunks (larger than the decoder's stream threshold) began. */
    void countRow() {
        Command command = headCommand();
        if (command != null) {
            command.rowsReturned++;
            if (command.preview != null) {
                command.preview.skipLarge();
            }
        }
    }

    /** The reply to a Describe, or (simple Query) the columns of the statement now running. */
    private void onRowDescription(RowDescription description) {
        Pending head = pending.peek();
        if (head == null) {
            return;
        }
        if (head.kind() == Kind.DESCRIBE) {
            pending.poll();
            if (head.name() != null && head.name().startsWith("S")) {
                descriptions.put(head.name(), description);
            } else if (head.name() != null) {
                // Describe 'P': the portal's next Execute (queued after this Describe) returns these rows.
                String portal = head.name().substring(1);
                for (Pending next : pending) {
                    if (next.kind() == Kind.EXECUTE && portal.equals(next.command().portal)) {
                        next.command().description = description;
                        break;
                    }
                }
            }
        } else if (head.command() != null) {
            head.command().description = description;
        }
    }

    /** Resolves pending requests with a reply that was received from upstream. */
    void onBackend(BackendMessage message) {
        switch (message) {
            case io.gatehouse.wire.pg.ParseComplete ignored -> pop(Kind.PARSE);
            case io.gatehouse.wire.pg.BindComplete ignored -> pop(Kind.BIND);
            case io.gatehouse.wire.pg.CloseComplete ignored -> pop(Kind.CLOSE);
            case RowDescription description -> onRowDescription(description);
            case NoData ignored -> pop(Kind.DESCRIBE);
            case CommandComplete complete -> {
                Pending head = pending.peek();
                if (head != null && head.command() != null) {
                    head.command().tags.add(complete.tag());
                    if (head.kind() == Kind.EXECUTE) {
                        finish(pending.poll(), "ok");
                    }
                }
                copyInProgress = null;
            }
            case EmptyQueryResponse ignored -> {
                Pending head = pending.peek();
                if (head != null && head.kind() == Kind.EXECUTE) {
                    finish(pending.poll(), "empty");
                }
            }
            case PortalSuspended ignored -> {
                Pending head = pending.peek();
                if (head != null && head.kind() == Kind.EXECUTE) {
                    pending.poll();
                    suspended.put(head.command().portal, head.command());
                }
            }
            case io.gatehouse.wire.pg.DataRow row -> {
                Command command = headCommand();
                if (command != null) {
                    command.rowsReturned++;
                    if (command.preview != null) {
                        if (command.description == null && command.portal != null) {
                            // Looked up now, not at Execute: the Describe reply arrives after the Execute
                            // was sent (pgJDBC pipelines Parse/Describe/Bind/Execute), but before its rows.
                            command.description = descriptions.getOrDefault(
                                    "S" + command.statement, descriptionsBySql.get(command.sql));
                        }
                        if (command.rowsReturned == 1 && command.description != null && command.sql != null) {
                            if (descriptionsBySql.size() > 1_000) {
                                descriptionsBySql.clear();
                            }
                            descriptionsBySql.put(command.sql, command.description);
                        }
                        command.preview.add(row, command.description, command.resultFormats);
                    }
                }
            }
            case io.gatehouse.wire.pg.CopyInResponse ignored -> copyInProgress = headCommand();
            case io.gatehouse.wire.pg.CopyOutResponse ignored -> copyInProgress = headCommand();
            case CopyData data -> countCopy(data.data().length());
            case ErrorResponse error -> onError(error);
            case ReadyForQuery ready -> onReady(ready);
            default -> {
                // ParameterStatus, NoticeResponse, NotificationResponse, … resolve nothing.
            }
        }
    }

    /** Records the commands still waiting for an outcome when the session ends. */
    void abandon(String reason) {
        for (Command command : suspended.values()) {
            finish(new Pending(Kind.EXECUTE, command), "unknown", reason);
        }
        suspended.clear();
        Pending entry;
        while ((entry = pending.poll()) != null) {
            if (entry.command() != null) {
                finish(entry, "unknown", reason);
            }
        }
    }

    private Event command(Kind kind, String protocol, String sql, List<Value> parameters, String statement) {
        Command command = new Command(++commands, System.nanoTime());
        if (preview != null) {
            command.preview = new RowPreview(preview);
        }
        pending.add(new Pending(kind, command));
        Event.Builder event = session.event(EventKind.COMMAND, clock)
                .field("command", new Value.Int(command.number))
                .field("protocol", Value.of(protocol))
                .field("sql", sql == null ? new Value.Null() : Value.of(sql))
                .field("database", Value.of(session.database()));
        if (parameters != null) {
            event.field("parameters", new Value.List(parameters));
            event.field("statement", Value.of(statement));
        }
        return recordOrHold(command, event);
    }

    private Event recordOrHold(Command command, Event.Builder event) {
        if (outcomeInCommand) {
            command.record = event; // completed and emitted by finish()
            return null;
        }
        return event.build();
    }

    private Command headCommand() {
        Pending head = pending.peek();
        return head == null ? null : head.command();
    }

    private void pop(Kind expected) {
        Pending head = pending.peek();
        if (head != null && head.kind() == expected) {
            pending.poll();
        }
    }

    private void onError(ErrorResponse error) {
        copyInProgress = null;
        Pending head = pending.peek();
        if (head == null || head.kind() == Kind.SYNC) {
            return;
        }
        if (head.kind() == Kind.QUERY || head.kind() == Kind.FUNCTION_CALL) {
            head.command().error = error;
            return;
        }
        pending.poll();
        if (head.kind() == Kind.EXECUTE) {
            head.command().error = error;
            finish(head, "error");
        }
        // The server now discards everything up to the next Sync.
        while (!pending.isEmpty() && pending.peek().kind() != Kind.SYNC) {
            Pending skipped = pending.poll();
            if (skipped.command() != null) {
                finish(skipped, "skipped", "not executed: an earlier message of the pipeline failed");
            }
        }
    }

    private void onReady(ReadyForQuery ready) {
        while (!pending.isEmpty()) {
            Pending entry = pending.poll();
            Kind kind = entry.kind();
            if (kind == Kind.QUERY || kind == Kind.FUNCTION_CALL) {
                finish(entry, entry.command().error == null ? "ok" : "error");
                break;
            }
            if (kind == Kind.SYNC) {
                break;
            }
            if (entry.command() != null) {
                finish(entry, "skipped", "not executed: no reply before ReadyForQuery");
            }
        }
        copyInProgress = null;
        if (ready.status() == 'I') {
            portals.keySet().removeIf(name -> !name.isEmpty());
            // The transaction ended, and with it every portal ("Extended Query"): fetching stopped early.
            for (String portal : List.copyOf(suspended.keySet())) {
                closeSuspended(portal);
            }
        }
    }

    /** A suspended portal that will not be fetched further: its command ends with the rows it returned. */
    private void closeSuspended(String portal) {
        Command command = suspended.remove(portal);
        if (command != null) {
            finish(new Pending(Kind.EXECUTE, command), "closed", "the portal was closed before all rows were fetched");
        }
    }

    private void finish(Pending entry, String status) {
        finish(entry, status, null);
    }

    private void finish(Pending entry, String status, String note) {
        Command command = entry.command();
        Event.Builder event = command.record != null
                ? command.record
                : session.event(EventKind.COMMAND_RESULT, clock).field("command", new Value.Int(command.number));
        command.record = null; // a command's outcome is recorded once
        event.field("status", Value.of(status))
                .field("duration_micros", new Value.Int((System.nanoTime() - command.startNanos) / 1000));
        if (!command.tags.isEmpty()) {
            String last = command.tags.get(command.tags.size() - 1);
            event.field("tag", Value.of(last));
            Long rows = rows(last);
            if (command.fetches > 1 && (last.startsWith("SELECT ") || last.startsWith("FETCH "))) {
                rows = command.rowsReturned; // the tag counts only the last fetch's rows
            }
            if (rows != null) {
                event.field("rows", new Value.Int(rows));
            }
            if (command.tags.size() > 1) {
                event.field(
                        "tags",
                        new Value.List(
                                command.tags.stream().<Value>map(Value::of).toList()));
            }
        }
        if (command.error != null) {
            event.field("sqlstate", Value.of(String.valueOf(command.error.sqlState())));
            event.field("error", Value.of(String.valueOf(command.error.message())));
        }
        if (command.tags.isEmpty() && command.fetches > 1) {
            event.field("rows", new Value.Int(command.rowsReturned));
        }
        if (command.fetches > 1) {
            event.field("fetches", new Value.Int(command.fetches));
        }
        if (command.preview != null && !command.preview.isEmpty()) {
            event.field("preview", command.preview.rows());
            event.field("preview_truncated", new Value.Bool(command.preview.truncated()));
        }
        if (command.copyBytes > 0) {
            event.field("copy_bytes", new Value.Int(command.copyBytes));
        }
        if (note != null) {
            event.field("note", Value.of(note));
        }
        results.accept(event.build());
    }

    /**
     * The row count of a CommandComplete tag ("Message Formats", CommandComplete): the last word of
     * {@code INSERT oid rows}, {@code SELECT rows}, {@code UPDATE rows}, {@code DELETE rows}, {@code MERGE
     * rows}, {@code FETCH rows}, {@code MOVE rows}, {@code COPY rows}; none for other tags.
     */
    static Long rows(String tag) {
        int space = tag.lastIndexOf(' ');
        if (space < 0) {
            return null;
        }
        switch (tag.substring(0, tag.indexOf(' '))) {
            case "INSERT", "SELECT", "UPDATE", "DELETE", "MERGE", "FETCH", "MOVE", "COPY" -> {}
            default -> {
                return null;
            }
        }
        try {
            return Long.parseLong(tag.substring(space + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
