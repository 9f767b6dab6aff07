package io.gatehouse.gateway.pg;

import io.gatehouse.audit.Event;
import io.gatehouse.audit.EventKind;
import io.gatehouse.audit.Value;
import io.gatehouse.gateway.recorder.RecordingUnavailableException;
import io.gatehouse.gateway.security.ScramException;
import io.gatehouse.gateway.security.ScramServerExchange;
import io.gatehouse.store.ConnectionRecord;
import io.gatehouse.store.Credential;
import io.gatehouse.store.RecordingContent;
import io.gatehouse.store.TokenRecord;
import io.gatehouse.wire.pg.AuthenticationOk;
import io.gatehouse.wire.pg.AuthenticationSASL;
import io.gatehouse.wire.pg.AuthenticationSASLContinue;
import io.gatehouse.wire.pg.AuthenticationSASLFinal;
import io.gatehouse.wire.pg.BackendKeyData;
import io.gatehouse.wire.pg.BackendMessage;
import io.gatehouse.wire.pg.Bytes;
import io.gatehouse.wire.pg.CancelRequest;
import io.gatehouse.wire.pg.DecodeResult;
import io.gatehouse.wire.pg.Decoded;
import io.gatehouse.wire.pg.ErrorResponse;
import io.gatehouse.wire.pg.FrontendDecoder;
import io.gatehouse.wire.pg.FrontendMessage;
import io.gatehouse.wire.pg.FrontendPhase;
import io.gatehouse.wire.pg.GSSENCRequest;
import io.gatehouse.wire.pg.NegotiateProtocolVersion;
import io.gatehouse.wire.pg.ProtocolViolation;
import io.gatehouse.wire.pg.ReadyForQuery;
import io.gatehouse.wire.pg.SASLInitialResponse;
import io.gatehouse.wire.pg.SASLResponse;
import io.gatehouse.wire.pg.SSLRequest;
import io.gatehouse.wire.pg.StartupDecoder;
import io.gatehouse.wire.pg.StartupMessage;
import io.gatehouse.wire.pg.StartupPacket;
import io.gatehouse.wire.pg.Terminate;
import io.gatehouse.wire.pg.Unknown;
import io.gatehouse.wire.pg.UnknownStartupPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection to the PostgreSQL listener, from the first byte to the close.
 *
 * <pre>
 *  STARTUP ──SSLRequest: 'S' + TLS / GSSENCRequest: 'N'──▶ STARTUP
 *     │ CancelRequest: map to the upstream key, record, forward upstream, close
 *     │ StartupMessage (user = identity, database = connection[/database])
 *     ▼
 *  SASL_INITIAL ──SASLInitialResponse──▶ (store lookup off-loop) ──▶ SASL_FINAL ──SASLResponse──▶ AUTHORIZING
 *  AUTHORIZING ──identity, token, connection, grant checked; session.start durable──▶ CONNECTING
 *  CONNECTING ──upstream login done, first ReadyForQuery relayed──▶ RELAY ⇄ RECORDING
 *  RELAY ──statement after its token was revoked / identity disabled ({@link SessionPolicy})──▶ CLOSED
 *  any state ──error / close──▶ CLOSED (absorbing; session.end recorded once)
 * </pre>
 *
 * <p><b>Invariants.</b> All methods run on the client channel's event loop, and the upstream channel is
 * registered on the same loop, so no state here is shared across threads; blocking work (store reads) runs
 * on virtual threads and re-enters through {@code eventLoop().execute}. Auto-read is off on both channels:
 * the next client read is requested only after the previous bytes were written upstream, the next upstream
 * read only after its bytes were written to the client (Netty's HexDumpProxy backpressure). Nothing is
 * written upstream before authentication, authorization and a durable session.start; in RELAY, bytes that
 * contain a command (Query, Execute, FunctionCall) are written upstream only after every command event they
 * carry is durable (fail-closed connections): a pipelined batch that arrives in one read is appended
 * together and forwarded after one group commit. If the record is not durable within the deadline the
 * client gets FATAL {@value PgErrors#RECORDING_UNAVAILABLE} and the connection closes; none of those bytes
 * reach the database.
 *
 * <p><b>Protocol hazards</b> (PostgreSQL docs, "Frontend/Backend Protocol", §Message Flow). Bytes that
 * follow an SSLRequest in the same packet were sent in clear and are refused (CVE-2021-23214, enforced by
 * {@link StartupDecoder}); the 'p' tag means a different message per authentication step, so the frontend
 * decoder's phase is set before each step; in RELAY an unknown or 'p' message is refused instead of passed
 * on, because the gateway cannot record what it cannot read; the client never sees the upstream
 * BackendKeyData, so a CancelRequest must come through the gateway; a connection that has not reached RELAY
 * within {@link PgServices#startupTimeout()} is cut (PostgreSQL's authentication_timeout), whether the client
 * stalls (a slowloris start-up packet, an unanswered SASL step) or the database does not answer the
 * gateway's login (a stalled network or server): no connection waits in start-up forever.
 */
final class ClientSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
    /** How often a best-effort session held back by the recorder's backpressure looks again. */
    private static final long BACKPRESSURE_RECHECK_MICROS = 1000;

    /** How long a refused oversized message is drained before the connection is closed regardless. */
    static final int DRAIN_SECONDS = 5;

    private enum State {
        STARTUP,
        SASL_INITIAL,
        SASL_FINAL,
        AUTHORIZING,
        CONNECTING,
        RELAY,
        RECORDING,
        CLOSED
    }

    private final PgServices services;
    private final ClientAuthorizer authorizer;
    private final CancelRegistry cancels;
    private final SessionPolicy policy;
    private final ExecutorService blocking;
    private final String sessionId = SessionIds.next();
    private final StartupDecoder startupDecoder = new StartupDecoder();
    private final FrontendDecoder frontend;
    private State state = State.STARTUP;
    private ChannelHandlerContext ctx;
    private String source = "unknown";
    private boolean tls;
    private StartupMessage startup;
    private String connectionName;
    private String requestedDatabase;
    private ScramServerExchange scram;
    private ClientAuthorizer.Candidates candidates;
    private String serverFinalMessage;
    private SessionContext session;
    private CommandTracker tracker;
    private Channel upstream;
    private UpstreamHandler upstreamHandler;
    private BackendKeyData gatewayKey;
    private boolean terminating;
    private boolean ended;
    /** Why access was withdrawn during the session (token revoked, identity disabled); null while it holds. */
    private String withdrawn;
    /** For a refusal of a locked-out source: how many refusals its blocked event stands for (0: not that). */
    private long refusedCount;
    /** Set when the refusal must read and discard the client's remaining bytes before closing. */
    private boolean drainBeforeClose;
    /**
     * Best-effort: commands forwarded whose one event (emitted with its outcome) has room reserved in the
     * recorder's backlog; reserved before forwarding, so that a forwarded statement's record is never refused.
     */
    private int reservedCommands;
    /**
     * Outcome events of the backend bytes being relayed, appended only after those bytes were handed to the
     * client: encoding them and waking the log writer then costs the client no latency (both cores are busy
     * with the relay). Null outside {@link #fromUpstream}.
     */
    private List<Event> heldOutcomes;

    ClientSession(
            PgServices services,
            ClientAuthorizer authorizer,
            CancelRegistry cancels,
            SessionPolicy policy,
            ExecutorService blocking) {
        this.services = services;
        this.authorizer = authorizer;
        this.cancels = cancels;
        this.policy = policy;
        this.blocking = blocking;
        this.frontend = new FrontendDecoder(services.limits(), FrontendPhase.NORMAL);
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        this.ctx = context;
        if (context.channel().remoteAddress() instanceof InetSocketAddress address) {
            source = address.getAddress().getHostAddress();
        }
        context.executor()
                .schedule(this::startupTimedOut, services.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        context.read();
    }

    private void startupTimedOut() {
        if (state.compareTo(State.RELAY) >= 0) {
            return;
        }
        String limit = ClientSession.seconds(services.startupTimeout());
        if (state == State.CONNECTING) {
            // Authenticated, session.start recorded: the database (or the way to it) did not answer the login.
            fail(
                    PgErrors.CANNOT_CONNECT,
                    "connection \"" + session.connection().name() + "\" did not complete its login at "
                            + session.connection().target() + " within " + limit,
                    "upstream login timed out after " + limit);
        } else {
            refuse(PgErrors.CONNECTION_FAILURE, "start-up did not finish within " + limit);
        }
    }

    private static String seconds(java.time.Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        switch (state) {
            case STARTUP -> onStartupBytes(buf);
            case SASL_INITIAL, SASL_FINAL -> onAuthenticationBytes(buf);
            case RELAY -> onRelayBytes(buf);
            default -> buf.release(); // auto-read is off: nothing was asked for in the other states
        }
    }

    // ---- start-up ----

    private void onStartupBytes(ByteBuf buf) {
        try {
            ByteBuffer input = buf.nioBuffer();
            DecodeResult<StartupPacket> result = startupDecoder.feed(input);
            for (StartupPacket packet : result.messages()) {
                switch (packet) {
                    case SSLRequest ignored -> startTls();
                    case GSSENCRequest ignored -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'N'}));
                    case CancelRequest cancel -> {
                        forwardCancel(cancel);
                        return;
                    }
                    case StartupMessage message -> {
                        if (input.hasRemaining()) {
                            refuse(
                                    PgErrors.PROTOCOL_VIOLATION,
                                    "the client sent " + input.remaining()
                                            + " bytes after the StartupMessage before the authentication request");
                            return;
                        }
                        onStartup(message);
                        return;
                    }
                    case UnknownStartupPacket unknown ->
                        refuse(PgErrors.PROTOCOL_VIOLATION, "unsupported start-up request " + unknown);
                }
            }
            if (result.violation().isPresent()) {
                violation(result.violation().get());
                return;
            }
            if (state == State.STARTUP) {
                ctx.read();
            }
        } finally {
            buf.release();
        }
    }

    private void startTls() {
        if (tls) {
            refuse(PgErrors.PROTOCOL_VIOLATION, "a second SSLRequest inside TLS");
            return;
        }
        tls = true;
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'S'}));
        SSLEngine engine = services.tls().createSSLEngine();
        engine.setUseClientMode(false);
        // Added after 'S' was written, so 'S' goes out in clear and everything after it through TLS.
        ctx.pipeline().addFirst("tls", new SslHandler(engine));
    }

    private void onStartup(StartupMessage message) {
        startup = message;
        if (message.majorVersion() != 3) {
            refuse(
                    PgErrors.FEATURE_NOT_SUPPORTED,
                    "unsupported frontend protocol " + message.majorVersion() + "." + message.minorVersion()
                            + ": the gateway speaks 3.0");
            return;
        }
        if (message.user() == null || message.user().isEmpty()) {
            refuse(PgErrors.INVALID_AUTHORIZATION, "no user name given: user is the Gatehouse identity name");
            return;
        }
        if (message.parameters().containsKey("replication")) {
            refuse(PgErrors.FEATURE_NOT_SUPPORTED, "replication connections are not supported through the gateway");
            return;
        }
        String database = message.database();
        int slash = database.indexOf('/');
        connectionName = slash < 0 ? database : database.substring(0, slash);
        requestedDatabase = slash < 0 ? null : database.substring(slash + 1);
        List<String> options = message.parameters().keySet().stream()
                .filter(name -> name.startsWith("_pq_."))
                .toList();
        if (message.minorVersion() > 0 || !options.isEmpty()) {
            // "Protocol versioning": answer with the version we speak and the options we ignore.
            send(new NegotiateProtocolVersion(0, options));
        }
        if (services.limiter().check(source) instanceof io.gatehouse.gateway.security.FailureRateLimiter.Blocked b) {
            String lockedOut = "too many failed authentications from " + source + "; retry in "
                    + Math.max(1, b.retryAfter().toSeconds()) + " s";
            long refusals = services.limiter().refused(source);
            if (refusals == 0) {
                fail(PgErrors.TOO_MANY, lockedOut, lockedOut); // counted into the next recorded refusal
            } else {
                refusedCount = refusals;
                refuse(PgErrors.TOO_MANY, lockedOut);
            }
            return;
        }
        frontend.phase(FrontendPhase.SASL_INITIAL_RESPONSE);
        state = State.SASL_INITIAL;
        send(AuthenticationSASL.scramSha256());
        ctx.read();
    }

    // ---- authentication: SCRAM-SHA-256 (RFC 5802, RFC 7677; "SASL Authentication" in the protocol chapter) ----

    private void onAuthenticationBytes(ByteBuf buf) {
        DecodeResult<FrontendMessage> result;
        try {
            result = frontend.feed(buf.nioBuffer());
        } finally {
            buf.release();
        }
        if (result.violation().isPresent()) {
            violation(result.violation().get());
            return;
        }
        List<FrontendMessage> messages = result.messages();
        if (messages.isEmpty()) {
            ctx.read();
            return;
        }
        if (messages.size() > 1) {
            refuse(
                    PgErrors.PROTOCOL_VIOLATION,
                    "the client sent " + messages.size()
                            + " messages during authentication; expected one SASL response");
            return;
        }
        switch (messages.get(0)) {
            case SASLInitialResponse initial when state == State.SASL_INITIAL -> onSaslInitial(initial);
            case SASLResponse response when state == State.SASL_FINAL -> onSaslFinal(response);
            case Terminate ignored -> ctx.close();
            case FrontendMessage other ->
                refuse(
                        PgErrors.PROTOCOL_VIOLATION,
                        "expected a SASL response, got " + other.getClass().getSimpleName());
        }
    }

    private void onSaslInitial(SASLInitialResponse initial) {
        if (!"SCRAM-SHA-256".equals(initial.mechanism()) || initial.initialResponse() == null) {
            refuse(
                    PgErrors.PROTOCOL_VIOLATION,
                    "the client selected SASL mechanism '" + initial.mechanism()
                            + "' without a first message; expected SCRAM-SHA-256 (channel binding is not offered)");
            return;
        }
        String clientFirst = text(initial.initialResponse());
        state = State.AUTHORIZING;
        offLoop(
                () -> {
                    ClientAuthorizer.Candidates found = authorizer.candidates(startup.user());
                    ScramServerExchange exchange = new ScramServerExchange(ignored -> found.credentials());
                    try {
                        String serverFirst = exchange.serverFirstMessage(clientFirst);
                        return () -> {
                            candidates = found;
                            scram = exchange;
                            frontend.phase(FrontendPhase.SASL_RESPONSE);
                            state = State.SASL_FINAL;
                            send(new AuthenticationSASLContinue(utf8(serverFirst)));
                            ctx.read();
                        };
                    } catch (ScramException e) {
                        return () -> refuse(PgErrors.PROTOCOL_VIOLATION, "SCRAM: " + e.getMessage());
                    }
                },
                "look up the identity");
    }

    private void onSaslFinal(SASLResponse response) {
        ScramServerExchange.Success success;
        try {
            success = scram.finish(text(response.data()));
        } catch (ScramException e) {
            if (e.reason() == ScramException.Reason.INVALID_PROOF) {
                services.limiter().recordFailure(source);
                refuse(
                        PgErrors.INVALID_PASSWORD,
                        "password authentication failed for user \"" + startup.user()
                                + "\": the password must be a valid Gatehouse token of that identity");
            } else {
                refuse(PgErrors.PROTOCOL_VIOLATION, "SCRAM: " + e.getMessage());
            }
            return;
        }
        TokenRecord token = candidates.tokens().get(success.matchedIndex());
        policy.watch(sessionId, candidates.identity().name(), token.id(), reason -> ctx.channel()
                .eventLoop()
                .execute(() -> withdrawn = reason));
        serverFinalMessage = success.serverFinalMessage();
        state = State.AUTHORIZING;
        offLoop(
                () -> {
                    Optional<ClientAuthorizer.Refusal> refusal = authorizer.authorize(
                            candidates.identity(),
                            token,
                            connectionName,
                            services.clock().instant());
                    Optional<ConnectionRecord> connection =
                            refusal.isPresent() ? Optional.empty() : authorizer.connection(connectionName);
                    return () -> authorized(token, refusal, connection);
                },
                "authorize the session");
    }

    private void authorized(
            TokenRecord token, Optional<ClientAuthorizer.Refusal> refusal, Optional<ConnectionRecord> connection) {
        String identity = candidates.identity().name();
        if (refusal.isPresent() || connection.isEmpty()) {
            ClientAuthorizer.Refusal why = refusal.orElse(new ClientAuthorizer.Refusal(
                    PgErrors.UNKNOWN_DATABASE, "connection \"" + connectionName + "\" does not exist"));
            refuse(why.sqlState(), why.message(), identity);
            return;
        }
        services.limiter().recordSuccess(source);
        ConnectionRecord record = connection.get();
        String database = requestedDatabase != null && !requestedDatabase.isEmpty()
                ? requestedDatabase
                : record.database() != null ? record.database() : upstreamUser(record);
        session = new SessionContext(sessionId, source, identity, token.id(), record, database);
        tracker = new CommandTracker(
                session,
                services.clock(),
                this::recordResult,
                record.content() == RecordingContent.FULL ? services.preview() : null,
                !session.failClosed());
        Event start = session.event(EventKind.SESSION_START, services.clock())
                .field("protocol", Value.of("postgres"))
                .field("source", Value.of(source))
                .field("tls", new Value.Bool(tls))
                .field("token", Value.of(token.prefix()))
                .field("database", Value.of(database))
                .field("user", Value.of(upstreamUser(record)))
                .field("application_name", Value.of(startup.parameters().getOrDefault("application_name", "")))
                .field("connector", Value.of(record.connector() == null ? "built-in" : record.connector()))
                .build();
        state = State.CONNECTING;
        whenDurable(
                List.of(start),
                () -> {
                    send(new AuthenticationSASLFinal(utf8(serverFinalMessage)), new AuthenticationOk());
                    connectUpstream(record, database);
                },
                () -> {});
    }

    // ---- upstream ----

    private void connectUpstream(ConnectionRecord record, String database) {
        String password = null;
        // A remote connector resolves env: references from its own environment and sends the value with the
        // stream (UpstreamHandler picks it up); everything else is resolved here.
        boolean resolvedByConnector = record.connector() != null && record.credential() instanceof Credential.Reference;
        if (!resolvedByConnector) {
            try {
                password = UpstreamCredentials.resolve(record, services.secrets(), services.environment());
            } catch (IllegalStateException e) {
                fail(PgErrors.CANNOT_CONNECT, e.getMessage(), "upstream credential unavailable");
                return;
            }
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", upstreamUser(record));
        parameters.put("database", database);
        startup.parameters().forEach((name, value) -> {
            if (!name.equals("user")
                    && !name.equals("database")
                    && !name.equals("application_name")
                    && !name.startsWith("_pq_.")) {
                parameters.put(name, value);
            }
        });
        String clientName = startup.parameters().get("application_name");
        parameters.put(
                "application_name",
                "gatehouse:" + session.identity() + ":" + sessionId
                        + (clientName == null || clientName.isEmpty() ? "" : ":" + clientName));
        StartupMessage upstreamStartup = new StartupMessage(StartupPacket.PROTOCOL_3_0, parameters);
        upstreamHandler = new UpstreamHandler(
                this,
                upstreamStartup,
                password,
                services.limits(),
                record.upstreamTls(),
                BuiltInConnector.HostPort.parse(record.target()),
                resolvedByConnector ? ((Credential.Reference) record.credential()).reference() : null);
        services.connector()
                .connect(record, sessionId, ctx.channel().eventLoop(), upstreamHandler)
                .addListener((ChannelFutureListener) future -> {
                    if (!future.isSuccess()) {
                        // The cause says which hop failed: "connector pg-net is offline", "connection refused".
                        fail(
                                PgErrors.CANNOT_CONNECT,
                                "cannot reach connection \"" + record.name() + "\" at " + record.target() + ": "
                                        + future.cause().getMessage(),
                                "upstream unreachable: " + future.cause().getMessage());
                    } else if (state == State.CLOSED) {
                        future.channel().close();
                    } else {
                        upstream = future.channel();
                    }
                });
    }

    void fromUpstreamLogin(BackendMessage message) {
        send(message);
    }

    void upstreamKey(BackendKeyData key) {
        gatewayKey = cancels.register(new CancelRegistry.Target(session, key));
        send(gatewayKey);
    }

    void upstreamReady(ReadyForQuery ready) {
        if (state != State.CONNECTING) {
            return;
        }
        state = State.RELAY;
        frontend.phase(FrontendPhase.NORMAL);
        send(ready);
        ctx.read();
        upstream.read();
    }

    void upstreamRefused(ErrorResponse error) {
        String sqlState = String.valueOf(error.sqlState());
        // Class 28 (invalid_authorization_specification): the stored credential is wrong, not the client's
        // token, so the client gets 08006 rather than a 28xxx it would read as "your password is wrong".
        boolean authentication = sqlState.startsWith("28");
        String what = authentication ? "upstream authentication failed" : "upstream login refused";
        fail(
                authentication ? PgErrors.CONNECTION_FAILURE : PgErrors.CANNOT_CONNECT,
                "connection \"" + session.connection().name() + "\": " + what + " as database user \""
                        + upstreamUser(session.connection()) + "\": " + error.message() + " (SQLSTATE " + sqlState
                        + ")",
                what + " (SQLSTATE " + sqlState + ")");
    }

    void upstreamFailed(String message) {
        fail(state == State.CONNECTING ? PgErrors.CANNOT_CONNECT : PgErrors.CONNECTION_FAILURE, message, message);
    }

    void upstreamClosed() {
        if (terminating || state == State.CLOSED) {
            if (!drainBeforeClose) { // else the drain's scheduled close ends the client connection
                ctx.close();
            }
            return;
        }
        fail(PgErrors.CONNECTION_FAILURE, "the database closed the connection", "upstream closed");
    }

    // ---- relay ----

    private void onRelayBytes(ByteBuf buf) {
        DecodeResult<FrontendMessage> result = frontend.feed(buf.nioBuffer());
        long commandsBefore = tracker.commands();
        List<Event> commands = new ArrayList<>();
        for (Decoded<FrontendMessage> item : result.items()) {
            switch (item) {
                case Decoded.Message<FrontendMessage> whole -> {
                    FrontendMessage message = whole.message();
                    if (message instanceof Unknown unknown) {
                        buf.release();
                        refuse(PgErrors.PROTOCOL_VIOLATION, "unexpected message " + unknown + " after authentication");
                        return;
                    }
                    if (withdrawn != null && tracker.statementOf(message) != null) {
                        buf.release();
                        refuseWithdrawn(tracker.statementOf(message));
                        return;
                    }
                    terminating |= message instanceof Terminate;
                    Event command = tracker.onFrontend(message);
                    if (command != null) {
                        commands.add(command);
                    }
                }
                case Decoded.StreamStart<FrontendMessage> stream -> tracker.countCopy(stream.payloadLength());
                case Decoded.StreamChunk<FrontendMessage> ignored -> {}
                case Decoded.StreamEnd<FrontendMessage> ignored -> {}
            }
        }
        if (result.violation().isPresent()) {
            buf.release();
            violation(result.violation().get());
            return;
        }
        if (!session.failClosed()) {
            // One event per statement, emitted with its outcome (CommandTracker): its room in the backlog is
            // reserved now, before forwarding.
            int started = (int) (tracker.commands() - commandsBefore);
            if (started > 0) {
                try {
                    services.recorder().reserveBestEffort(started);
                } catch (RecordingUnavailableException full) {
                    // Best-effort still never loses a record: when even the bounded backlog is full, the
                    // statement is refused like a fail-closed one (and the session ends), never forwarded
                    // unrecorded.
                    buf.release();
                    fail(
                            PgErrors.RECORDING_UNAVAILABLE,
                            "not executed: " + full.getMessage(),
                            "recording backlog full");
                    return;
                }
                reservedCommands += started;
            }
            forwardUpstream(buf);
        } else if (commands.isEmpty()) {
            forwardUpstream(buf);
        } else {
            state = State.RECORDING;
            whenDurable(
                    commands,
                    () -> {
                        state = State.RELAY;
                        forwardUpstream(buf);
                    },
                    buf::release);
        }
    }

    private void forwardUpstream(ByteBuf buf) {
        upstream.writeAndFlush(buf).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                upstreamFailed(
                        "writing to the database failed: " + future.cause().getMessage());
            } else if (state == State.RELAY && !terminating) {
                readNext();
            }
        });
    }

    /**
     * Reads the client's next bytes. A best-effort session first waits while the recorder is behind a healthy
     * store (backpressure): it then runs at the pace the log can take instead of filling the bounded backlog
     * and having its statements refused. While the store is down the recorder does not report "behind", and
     * best-effort keeps working from the backlog.
     */
    private void readNext() {
        if (!session.failClosed() && services.recorder().bestEffortBehind()) {
            ctx.executor().schedule(this::readNextIfRelaying, BACKPRESSURE_RECHECK_MICROS, TimeUnit.MICROSECONDS);
            return;
        }
        ctx.read();
    }

    private void readNextIfRelaying() {
        if (state == State.RELAY && !terminating && ctx.channel().isActive()) {
            readNext();
        }
    }

    /** Called by the upstream handler in relay mode: inspect, write to the client, then read more. */
    void fromUpstream(ByteBuf buf) {
        if (state == State.CLOSED) {
            buf.release();
            return;
        }
        DecodeResult<BackendMessage> result = upstreamHandler.decoder().feed(buf.nioBuffer());
        List<Event> outcomes = new ArrayList<>(2);
        heldOutcomes = outcomes;
        try {
            trackBackend(result);
        } finally {
            heldOutcomes = null;
        }
        if (result.violation().isPresent()) {
            buf.release();
            outcomes.forEach(this::recordResult);
            fail(
                    PgErrors.CONNECTION_FAILURE,
                    "the database sent an invalid message: "
                            + result.violation().get().message(),
                    "upstream protocol violation");
            return;
        }
        ctx.writeAndFlush(buf).addListener((ChannelFutureListener) future -> {
            if (future.isSuccess() && upstream != null) {
                upstream.read();
            }
        });
        for (Event outcome : outcomes) {
            recordResult(outcome);
        }
    }

    private void trackBackend(DecodeResult<BackendMessage> result) {
        for (Decoded<BackendMessage> item : result.items()) {
            switch (item) {
                case Decoded.Message<BackendMessage> whole -> tracker.onBackend(whole.message());
                case Decoded.StreamStart<BackendMessage> stream -> {
                    if (stream.tag() == 'd') {
                        tracker.countCopy(stream.payloadLength());
                    } else if (stream.tag() == 'D') {
                        tracker.countRow();
                    }
                }
                case Decoded.StreamChunk<BackendMessage> ignored -> {}
                case Decoded.StreamEnd<BackendMessage> ignored -> {}
            }
        }
    }

    /**
     * Records an outcome (result, blocked, end) without waiting. Never throws: it runs inside Netty handlers,
     * where an exception would leave the client without an answer. If even the best-effort backlog is full,
     * the outcome cannot be kept, so the session ends with 58000 rather than carrying on unrecorded.
     */
    private void recordResult(Event result) {
        if (heldOutcomes != null) {
            heldOutcomes.add(result); // appended by fromUpstream once the reply is on its way to the client
            return;
        }
        // Outcomes gate nothing, so they go best-effort on every connection: kept (bounded) and retried
        // while the store is down, and committed together with the next command.
        try {
            if (reservedCommands > 0 && result.kind() == EventKind.COMMAND) {
                reservedCommands--;
                services.recorder().appendReserved(result);
            } else {
                services.recorder().appendBestEffort(result);
            }
        } catch (RecordingUnavailableException full) {
            LOG.warn(
                    "session {}: a {} event could not be kept: {}",
                    sessionId,
                    result.kind().wireName(),
                    full.getMessage());
            if (state != State.CLOSED) {
                fail(
                        PgErrors.RECORDING_UNAVAILABLE,
                        "the recording store is unavailable: " + full.getMessage(),
                        "recording backlog full");
            }
        }
    }

    /** Access was withdrawn during the session: the statement is refused, recorded as blocked, the session ends. */
    private void refuseWithdrawn(String statement) {
        String message = "not executed: " + withdrawn + " during the session";
        Event blocked = session.event(EventKind.BLOCKED, services.clock())
                .field("protocol", Value.of("postgres"))
                .field("source", Value.of(source))
                .field("sql", Value.of(statement))
                .field("sqlstate", Value.of(PgErrors.INVALID_AUTHORIZATION))
                .field("reason", Value.of(message))
                .build();
        recordResult(blocked);
        fail(PgErrors.INVALID_AUTHORIZATION, message, "access withdrawn: " + withdrawn);
    }

    // ---- cancel ("Canceling Requests in Progress") ----

    private void forwardCancel(CancelRequest cancel) {
        Optional<CancelRegistry.Target> target = cancels.find(cancel.processId(), cancel.secretKey());
        state = State.CLOSED;
        ctx.close();
        if (target.isEmpty()) {
            return; // as PostgreSQL: an unmatched cancel is ignored silently
        }
        SessionContext cancelled = target.get().session();
        BackendKeyData key = target.get().upstreamKey();
        Event event = cancelled
                .event(EventKind.COMMAND, services.clock())
                .field("protocol", Value.of("cancel_request"))
                .field("source", Value.of(source))
                .field("database", Value.of(cancelled.database()))
                .build();
        CompletableFuture<Long> recorded = services.recorder().append(event);
        recorded.orTimeout(services.recordingDeadline().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((index, error) -> {
                    if (error == null || !cancelled.failClosed()) {
                        services.connector()
                                .connect(
                                        cancelled.connection(),
                                        cancelled.id(),
                                        ctx.channel().eventLoop(),
                                        new CancelForwarder(new CancelRequest(key.processId(), key.secretKey())));
                    }
                });
    }

    // ---- recording, errors, end ----

    /**
     * Runs {@code then} on the event loop once all {@code events} are durable; otherwise refuses the session
     * and runs {@code otherwise} (which releases what {@code then} would have consumed).
     */
    private void whenDurable(List<Event> events, Runnable then, Runnable otherwise) {
        CompletableFuture<?> durable;
        try {
            durable = events.size() == 1
                    ? services.recorder().append(events.get(0))
                    : services.recorder().appendAll(events);
        } catch (RuntimeException e) {
            otherwise.run();
            notRecorded(e, events);
            return;
        }
        new DurableWait(events, then, otherwise).await(durable);
    }

    /**
     * One wait for durability, settled once on the event loop: by the recorder's answer or by the deadline,
     * whichever comes first. The deadline is a task on this channel's event loop rather than {@code
     * CompletableFuture.orTimeout}, whose shared scheduler thread is woken for every statement (measured:
     * one extra thread wake-up per fail-closed statement on a 2-core machine).
     */
    private final class DurableWait {
        private final List<Event> events;
        private final Runnable then;
        private final Runnable otherwise;
        private boolean settled;
        private io.netty.util.concurrent.ScheduledFuture<?> deadline;

        DurableWait(List<Event> events, Runnable then, Runnable otherwise) {
            this.events = events;
            this.then = then;
            this.otherwise = otherwise;
        }

        void await(CompletableFuture<?> durable) {
            io.netty.channel.EventLoop loop = ctx.channel().eventLoop();
            deadline = loop.schedule(
                    () -> settle(new java.util.concurrent.TimeoutException("the record was not durable within "
                            + services.recordingDeadline().toMillis() + " ms")),
                    services.recordingDeadline().toNanos(),
                    TimeUnit.NANOSECONDS);
            durable.whenComplete((ignored, error) -> loop.execute(() -> settle(error)));
        }

        private void settle(Throwable error) {
            if (settled) {
                return;
            }
            settled = true;
            if (deadline != null) { // null only if settled before await() returned, off the event loop
                deadline.cancel(false);
            }
            if (state == State.CLOSED) {
                otherwise.run();
            } else if (error != null) {
                otherwise.run();
                notRecorded(error, events);
            } else {
                then.run();
            }
        }
    }

    /**
     * The records of {@code events} could not be made durable in time, so what they describe is refused. For
     * the commands among them that means the statements never reach the database: they are recorded as
     * {@code blocked} (statement, 58000 and why; best-effort, so they are kept while the store is away and
     * written when it returns) instead of as commands, and get no {@code command.result} — an outcome
     * "unknown" for a command the log does not hold would read as a lost event and suggest it may have run.
     * (If a record lands after the deadline after all, the log holds the command and its blocked event: it
     * was recorded and not run.)
     */
    private void notRecorded(Throwable cause, List<Event> events) {
        List<Event> refused =
                events.stream().filter(e -> e.kind() == EventKind.COMMAND).toList();
        if (!refused.isEmpty()) {
            tracker.refused(refused.size());
            services.recorder().commandsRefused(refused.size());
            for (Event command : refused) {
                Event.Builder blocked = session.event(EventKind.BLOCKED, services.clock());
                command.fields().forEach((name, value) -> {
                    if (!name.equals("command")) {
                        blocked.field(name, value);
                    }
                });
                blocked.field("sqlstate", Value.of(PgErrors.RECORDING_UNAVAILABLE))
                        .field("reason", Value.of(PgErrors.NOT_RECORDED_MESSAGE));
                try {
                    services.recorder().appendBestEffort(blocked.build());
                } catch (RecordingUnavailableException full) {
                    LOG.warn(
                            "session {}: a refused statement's blocked event could not be kept: {}",
                            sessionId,
                            full.getMessage());
                }
            }
        }
        fail(
                PgErrors.RECORDING_UNAVAILABLE,
                PgErrors.NOT_RECORDED_MESSAGE,
                "recording unavailable: " + cause.getClass().getSimpleName());
    }

    private void violation(ProtocolViolation violation) {
        boolean tooLarge = violation.length() > services.limits().maxMessageLength();
        // The client is likely still sending the oversized message: closing with unread bytes makes the
        // kernel send RST, which can destroy the ErrorResponse before the client reads it (it would then
        // see only "connection reset"). So the rest is read and discarded until the client closes.
        drainBeforeClose = tooLarge;
        refuse(
                tooLarge ? PgErrors.TOO_LARGE : PgErrors.PROTOCOL_VIOLATION,
                tooLarge
                        ? "message of " + violation.length() + " bytes exceeds the gateway's limit of "
                                + services.limits().maxMessageLength()
                        : "protocol violation: " + violation.message());
    }

    /** Refuses before or during authentication: a {@code blocked} event, then the error. */
    private void refuse(String sqlState, String message) {
        refuse(sqlState, message, null);
    }

    private void refuse(String sqlState, String message, String identity) {
        if (state == State.CLOSED) {
            return;
        }
        if (session != null) {
            fail(sqlState, message, message);
            return;
        }
        Event.Builder blocked = Event.builder(EventKind.BLOCKED)
                .timeMicros(SessionContext.micros(services.clock().instant()))
                .session(sessionId)
                .identity(identity)
                .connection(connectionName)
                .field("protocol", Value.of("postgres"))
                .field("source", Value.of(source))
                .field("user", Value.of(startup == null ? "" : String.valueOf(startup.user())))
                .field("sqlstate", Value.of(sqlState))
                .field("reason", Value.of(message));
        if (refusedCount > 0) {
            blocked.field("refused", new Value.Int(refusedCount));
        }
        services.recorder().append(blocked.build()).exceptionally(e -> null);
        fail(sqlState, message, message);
    }

    private void fail(String sqlState, String message, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (drainBeforeClose) {
            ctx.writeAndFlush(PgErrors.encode(PgErrors.fatal(sqlState, message)));
            ctx.channel().config().setAutoRead(true); // CLOSED: every read is released unread
            ctx.executor().schedule(() -> ctx.close(), DRAIN_SECONDS, TimeUnit.SECONDS);
        } else {
            ctx.writeAndFlush(PgErrors.encode(PgErrors.fatal(sqlState, message)))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        if (upstream != null) {
            upstream.close();
        }
        end(reason);
    }

    private void end(String reason) {
        if (ended || session == null) {
            return;
        }
        ended = true;
        if (gatewayKey != null) {
            cancels.unregister(gatewayKey.processId());
        }
        tracker.abandon("session ended: " + reason);
        if (reservedCommands > 0) { // none expected: abandon() emitted every forwarded command
            services.recorder().releaseReserved(reservedCommands);
            reservedCommands = 0;
        }
        Event end = session.event(EventKind.SESSION_END, services.clock())
                .field("reason", Value.of(reason))
                .field("commands", new Value.Int(tracker.commands()))
                .build();
        recordResult(end);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        policy.unwatch(sessionId);
        if (upstream != null) {
            upstream.close();
        }
        if (state != State.CLOSED) {
            state = State.CLOSED;
            end(terminating ? "client terminated" : "client closed the connection");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        try {
            if (state != State.CLOSED) {
                state = State.CLOSED;
                end("client connection error: " + cause.getClass().getSimpleName());
            }
        } finally {
            context.close(); // whatever happened above, the client is never left waiting
        }
    }

    private void offLoop(Supplier<Runnable> work, String what) {
        blocking.execute(() -> {
            Runnable next;
            try {
                next = work.get();
            } catch (RuntimeException e) {
                next = () -> refuse(
                        PgErrors.CONNECTION_FAILURE, "the gateway cannot " + what + " now: its store is unavailable");
            }
            ctx.channel().eventLoop().execute(next);
        });
    }

    private void send(BackendMessage... messages) {
        ctx.writeAndFlush(PgErrors.encode(messages));
    }

    private static String upstreamUser(ConnectionRecord record) {
        return record.username() != null ? record.username() : "postgres";
    }

    private static Bytes utf8(String text) {
        return Bytes.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Bytes bytes) {
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }
}
