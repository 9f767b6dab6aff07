package io.gatehouse.gateway.api;

import io.gatehouse.gateway.admin.Actor;
import io.gatehouse.gateway.auth.Authenticator;
import io.gatehouse.gateway.auth.Principal;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Authenticates an API request from its {@code Authorization: Bearer} header. */
final class RequestContext {
    private final Authenticator authenticator;

    RequestContext(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    Principal principal(ServerRequest request) {
        String header = request.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        String token = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7) : null;
        return authenticator.authenticate(token, client(request));
    }

    Actor actor(ServerRequest request) {
        return Actor.of(principal(request), client(request));
    }

    static String client(ServerRequest request) {
        SocketAddress address = request.remotePeer().address();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return request.remotePeer().host();
    }
}
