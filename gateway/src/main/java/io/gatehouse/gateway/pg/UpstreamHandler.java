package io.gatehouse.gateway.pg;

import io.gatehouse.gateway.security.ScramClientExchange;
import io.gatehouse.gateway.security.ScramException;
import io.gatehouse.gateway.tunnel.TunnelChannel;
import io.gatehouse.store.UpstreamTls;
import io.gatehouse.wire.pg.AuthenticationCleartextPassword;
import io.gatehouse.wire.pg.AuthenticationMD5Password;
import io.gatehouse.wire.pg.AuthenticationOk;
import io.gatehouse.wire.pg.AuthenticationSASL;
import io.gatehouse.wire.pg.AuthenticationSASLContinue;
import io.gatehouse.wire.pg.AuthenticationSASLFinal;
import io.gatehouse.wire.pg.BackendDecoder;
import io.gatehouse.wire.pg.BackendKeyData;
import io.gatehouse.wire.pg.BackendMessage;
import io.gatehouse.wire.pg.Bytes;
import io.gatehouse.wire.pg.DecodeResult;
import io.gatehouse.wire.pg.DecoderLimits;
import io.gatehouse.wire.pg.ErrorResponse;
import io.gatehouse.wire.pg.FrontendMessage;
import io.gatehouse.wire.pg.NegotiateProtocolVersion;
import io.gatehouse.wire.pg.NoticeResponse;
import io.gatehouse.wire.pg.ParameterStatus;
import io.gatehouse.wire.pg.PasswordMessage;
import io.gatehouse.wire.pg.PgEncoder;
import io.gatehouse.wire.pg.ReadyForQuery;
import io.gatehouse.wire.pg.SASLInitialResponse;
import io.gatehouse.wire.pg.SASLResponse;
import io.gatehouse.wire.pg.SSLRequest;
import io.gatehouse.wire.pg.StartupMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The gateway's side of the connection to the database: it logs in as the connection's user ("Start-up"
 * in the protocol chapter: trust, cleartext, MD5 or SCRAM-SHA-256 with the stored credential), hands
 * ParameterStatus, NoticeResponse, BackendKeyData and the first ReadyForQuery to the {@link ClientSession},
 * then relays: every later read goes to the session, which inspects it, writes it to the client and only
 * then asks for the next read (auto-read is off: read-after-write backpressure).
 *
 * <p>When the connection asks for TLS to the database, the login starts with an SSLRequest ("SSL Session
 * Encryption" in the protocol chapter): on 'S' the TLS handshake runs before the StartupMessage, on 'N' the
 * session fails rather than falling back to plain text. Bytes arriving together with the 'S' are refused:
 * they were not protected by TLS (the server-side mirror of CVE-2021-23222).
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private final ClientSession client;
    private final StartupMessage startup;
    private String password;
    private final String connectorReference;
    private final BackendDecoder decoder;
    private final UpstreamTls tls;
    private final BuiltInConnector.HostPort target;
    private ScramClientExchange scram;
    private boolean relaying;
    private boolean awaitingTlsAnswer;

    /**
     * {@code password} is null when the connection has no credential (trust), or when {@code
     * connectorReference} names a credential the remote connector resolves and sends with the stream.
     */
    UpstreamHandler(
            ClientSession client,
            StartupMessage startup,
            String password,
            DecoderLimits limits,
            UpstreamTls tls,
            BuiltInConnector.HostPort target,
            String connectorReference) {
        this.connectorReference = connectorReference;
        this.client = client;
        this.tls = tls;
        this.target = target;
        this.startup = startup;
        this.password = password;
        this.decoder = new BackendDecoder(limits);
    }

    BackendDecoder decoder() {
        return decoder;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (connectorReference != null) {
            password = ctx.channel() instanceof TunnelChannel tunnel
                    ? tunnel.credentials().get(connectorReference)
                    : null;
            if (password == null) {
                client.upstreamFailed("the credential reference '" + connectorReference + "' is not set in the"
                        + " environment of the connector (" + ctx.channel().remoteAddress() + ")");
                return;
            }
        }
        if (tls == UpstreamTls.DISABLE) {
            startLogin(ctx);
        } else {
            awaitingTlsAnswer = true;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(PgEncoder.encode(new SSLRequest())));
            ctx.read();
        }
    }

    private void startLogin(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(PgEncoder.encode(startup)));
        ctx.read();
    }

    /** The database's one-byte answer to our SSLRequest. */
    private void tlsAnswer(ChannelHandlerContext ctx, ByteBuf buf) {
        awaitingTlsAnswer = false;
        byte answer = buf.readByte();
        if (answer == 'N') {
            client.upstreamFailed("the database at " + target.host() + ":" + target.port()
                    + " does not accept TLS, and the connection requires it (upstream TLS " + tls.wireName() + ")");
            return;
        }
        if (answer != 'S' || buf.isReadable()) {
            client.upstreamFailed("the database answered the TLS request with "
                    + (answer == 'S' ? "'S' followed by unencrypted bytes" : "an unexpected byte")
                    + "; refusing to continue");
            return;
        }
        SslHandler ssl = UpstreamTlsContexts.forMode(tls).newHandler(ctx.alloc(), target.host(), target.port());
        ctx.pipeline().addFirst(ssl);
        ssl.handshakeFuture().addListener(done -> {
            if (done.isSuccess()) {
                startLogin(ctx);
            } else {
                client.upstreamFailed("TLS to the database at " + target.host() + ":" + target.port() + " failed ("
                        + tls.wireName() + "): " + done.cause().getMessage());
            }
        });
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        if (relaying) {
            client.fromUpstream(buf);
            return;
        }
        if (awaitingTlsAnswer) {
            try {
                tlsAnswer(ctx, buf);
            } finally {
                buf.release();
            }
            return;
        }
        try {
            DecodeResult<BackendMessage> result = decoder.feed(buf.nioBuffer());
            if (result.violation().isPresent()) {
                client.upstreamFailed("the database sent an invalid message during login: "
                        + result.violation().get().message());
                return;
            }
            for (BackendMessage message : result.messages()) {
                if (!login(ctx, message)) {
                    return;
                }
            }
            if (!relaying) {
                ctx.read();
            }
        } finally {
            buf.release();
        }
    }

    /** Handles one login message; false once the login failed or ended. */
    private boolean login(ChannelHandlerContext ctx, BackendMessage message) {
        try {
            switch (message) {
                case AuthenticationOk ignored -> {}
                case AuthenticationCleartextPassword ignored -> send(ctx, new PasswordMessage(requirePassword()));
                case AuthenticationMD5Password md5 -> send(ctx, new PasswordMessage(md5(md5.salt())));
                case AuthenticationSASL sasl -> {
                    if (!sasl.mechanisms().contains("SCRAM-SHA-256")) {
                        client.upstreamFailed("the database offers SASL mechanisms " + sasl.mechanisms()
                                + "; the gateway supports SCRAM-SHA-256");
                        return false;
                    }
                    scram = new ScramClientExchange("", requirePassword());
                    send(ctx, new SASLInitialResponse("SCRAM-SHA-256", utf8(scram.clientFirstMessage())));
                }
                case AuthenticationSASLContinue next
                when scram != null -> send(ctx, new SASLResponse(utf8(scram.clientFinalMessage(text(next.data())))));
                case AuthenticationSASLFinal last when scram != null -> scram.verifyServerFinal(text(last.data()));
                case ParameterStatus status -> client.fromUpstreamLogin(status);
                case NoticeResponse notice -> client.fromUpstreamLogin(notice);
                case NegotiateProtocolVersion ignored -> {}
                case BackendKeyData key -> client.upstreamKey(key);
                case ReadyForQuery ready -> {
                    relaying = true;
                    client.upstreamReady(ready);
                    return false;
                }
                case ErrorResponse error -> {
                    client.upstreamRefused(error);
                    return false;
                }
                default -> {
                    client.upstreamFailed(
                            "the database sent " + message.getClass().getSimpleName()
                                    + " during login; expected an authentication request, ParameterStatus or ReadyForQuery");
                    return false;
                }
            }
            return true;
        } catch (ScramException | MissingCredentialException e) {
            client.upstreamFailed("login to the database failed: " + e.getMessage());
            return false;
        }
    }

    private String requirePassword() throws MissingCredentialException {
        if (password == null) {
            throw new MissingCredentialException();
        }
        return password;
    }

    /** PostgreSQL's MD5 method: {@code "md5" + md5hex(md5hex(password + user) + salt)}. */
    private String md5(Bytes salt) throws MissingCredentialException {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            String inner = HexFormat.of()
                    .formatHex(md5.digest((requirePassword() + startup.user()).getBytes(StandardCharsets.UTF_8)));
            md5.update(inner.getBytes(StandardCharsets.US_ASCII));
            md5.update(salt.toByteArray());
            return "md5" + HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides MD5", e);
        }
    }

    private static void send(ChannelHandlerContext ctx, FrontendMessage message) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(PgEncoder.encode(message)));
    }

    private static Bytes utf8(String text) {
        return Bytes.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Bytes bytes) {
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        client.upstreamClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        client.upstreamFailed("the connection to the database failed: " + cause.getMessage());
        ctx.close();
    }

    /** The database asks for a password and the connection has none. */
    static final class MissingCredentialException extends Exception {
        private static final long serialVersionUID = 1L;

        MissingCredentialException() {
            super("the database asks for a password but the connection has no credential");
        }
    }
}
