package io.gatehouse.gateway.pg;

import io.gatehouse.gateway.security.ScramClientExchange;
import io.gatehouse.gateway.security.ScramException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A PostgreSQL client on a bare socket that sends exactly the bytes a test chooses, in any phase: the
 * start-up packet, the SCRAM-SHA-256 exchange ("SASL Authentication" in the protocol chapter) and raw bytes
 * after it. What it reads back is parsed just enough to name an ErrorResponse's SQLSTATE.
 */
final class RawPgClient implements AutoCloseable {
    /** What the gateway answered: its ErrorResponse fields (C, M, S), or none when it just closed. */
    record Answer(String sqlState, String message, boolean closed) {
        static Answer closedWithoutError() {
            return new Answer(null, null, true);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawPgClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawPgClient connect(int port) throws IOException {
        return connect(port, null);
    }

    /** Connects from {@code localAddress} (e.g. 127.0.0.2, another loopback source), or any when null. */
    static RawPgClient connect(int port, InetAddress localAddress) throws IOException {
        Socket socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        return new RawPgClient(socket);
    }

    void readTimeout(int millis) throws SocketException {
        socket.setSoTimeout(millis);
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Stops sending (TCP FIN) but keeps reading, so the gateway's answer to what was sent can still arrive. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    static byte[] startupMessage(String user, String database) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(int32(196608)); // protocol 3.0
        for (String s : new String[] {"user", user, "database", database}) {
            body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        byte[] payload = body.toByteArray();
        ByteBuffer packet = ByteBuffer.allocate(4 + payload.length);
        packet.putInt(4 + payload.length).put(payload);
        return packet.array();
    }

    static byte[] message(char tag, byte[] payload) {
        ByteBuffer m = ByteBuffer.allocate(5 + payload.length);
        m.put((byte) tag).putInt(4 + payload.length).put(payload);
        return m.array();
    }

    static byte[] query(String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[text.length + 1];
        System.arraycopy(text, 0, payload, 0, text.length);
        return message('Q', payload);
    }

    /**
     * Sends the StartupMessage and runs SCRAM-SHA-256 with {@code password}; returns null once ReadyForQuery
     * arrived, or the gateway's refusal.
     */
    Answer login(String user, String database, String password) throws IOException {
        send(startupMessage(user, database));
        Message m = expectAuthentication();
        if (m.tag() == 'E') {
            return error(m);
        }
        ScramClientExchange scram = new ScramClientExchange(user, password);
        byte[] mechanism = "SCRAM-SHA-256\0".getBytes(StandardCharsets.US_ASCII);
        byte[] first = scram.clientFirstMessage().getBytes(StandardCharsets.UTF_8);
        ByteBuffer initial = ByteBuffer.allocate(mechanism.length + 4 + first.length);
        initial.put(mechanism).putInt(first.length).put(first);
        send(message('p', initial.array()));
        m = expectAuthentication();
        if (m.tag() == 'E') {
            return error(m);
        }
        String serverFirst = new String(m.payload(), 4, m.payload().length - 4, StandardCharsets.UTF_8);
        try {
            send(message('p', scram.clientFinalMessage(serverFirst).getBytes(StandardCharsets.UTF_8)));
        } catch (ScramException e) {
            throw new IOException("the gateway's SCRAM server-first message is invalid: " + e.getMessage(), e);
        }
        while (true) {
            m = read();
            if (m == null) {
                return Answer.closedWithoutError();
            }
            if (m.tag() == 'E') {
                return error(m);
            }
            if (m.tag() == 'Z') {
                return null;
            }
        }
    }

    private Message expectAuthentication() throws IOException {
        while (true) {
            Message m = read();
            if (m == null) {
                throw new EOFException("the gateway closed during authentication");
            }
            if (m.tag() == 'R' || m.tag() == 'E') {
                return m;
            }
        }
    }

    /** Reads until an ErrorResponse (returned) or the end of the stream; other messages are skipped. */
    Answer awaitErrorOrClose() throws IOException {
        while (true) {
            Message m;
            try {
                m = read();
            } catch (SocketException reset) { // "Connection reset": cut without an answer
                return Answer.closedWithoutError();
            }
            if (m == null) {
                return Answer.closedWithoutError();
            }
            if (m.tag() == 'E') {
                return error(m);
            }
        }
    }

    /** After an ErrorResponse: whether the gateway then closes (EOF or reset) within the read timeout. */
    boolean closedAfterward() throws IOException {
        try {
            while (read() != null) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** One backend message: its tag and payload (a class, not a record: the payload is an array). */
    static final class Message {
        private final char tag;
        private final byte[] payload;

        Message(char tag, byte[] payload) {
            this.tag = tag;
            this.payload = payload;
        }

        char tag() {
            return tag;
        }

        byte[] payload() {
            return payload;
        }
    }

    /** One backend message, or null at the end of the stream. */
    Message read() throws IOException {
        int tag = in.read();
        if (tag < 0) {
            return null;
        }
        int length = in.readInt();
        if (length < 4 || length > (1 << 24)) {
            throw new IOException("implausible backend message length " + length + " for tag " + (char) tag);
        }
        byte[] payload = new byte[length - 4];
        in.readFully(payload);
        return new Message((char) tag, payload);
    }

    private static Answer error(Message m) {
        Map<Character, String> fields = new HashMap<>();
        byte[] p = m.payload();
        int i = 0;
        while (i < p.length && p[i] != 0) {
            char type = (char) p[i++];
            int end = i;
            while (end < p.length && p[end] != 0) {
                end++;
            }
            fields.put(type, new String(p, i, end - i, StandardCharsets.UTF_8));
            i = end + 1;
        }
        return new Answer(fields.get('C'), fields.get('M'), false);
    }

    private static byte[] int32(int n) {
        return ByteBuffer.allocate(4).putInt(n).array();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
