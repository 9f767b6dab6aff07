package io.gatehouse.gateway.api;

import io.gatehouse.gateway.admin.Actor;
import io.gatehouse.gateway.admin.ForbiddenException;
import io.gatehouse.gateway.auth.Authenticator;
import io.gatehouse.gateway.auth.Principal;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * Authenticates an API request from its {@code Authorization: Bearer} header or, for the web UI, from the
 * sign-in cookie ({@link WebSignIn#COOKIE}).
 *
 * <p>A cookie is sent by the browser on its own, so a cookie-authenticated request that changes state must
 * prove it comes from our own pages (CSRF): it must carry the {@link #CSRF_HEADER} header, which a cross-site
 * form cannot set and a cross-site script can only set after a CORS preflight that this server never grants,
 * and an {@code Origin}, if present, must be this server's. SameSite=Strict on the cookie is the second line.
 * Reads (GET, HEAD) change nothing and need no proof.
 */
final class RequestContext {
    /** Sent by the web UI's scripts on every request. */
    static final String CSRF_HEADER = "X-Gatehouse-Request";

    private final Authenticator authenticator;

    RequestContext(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    Principal principal(ServerRequest request) {
        String header = request.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authenticator.authenticate(header.substring(7), client(request));
        }
        Optional<String> cookie = WebSignIn.cookieToken(request);
        if (cookie.isPresent()) {
            requireSameOriginForChanges(request);
            return authenticator.authenticate(cookie.get(), client(request));
        }
        return authenticator.authenticate(null, client(request));
    }

    /** Checks a token presented in the sign-in form, with the same rate limit as a bearer token. */
    Principal authenticate(String token, ServerRequest request) {
        return authenticator.authenticate(token, client(request));
    }

    Actor actor(ServerRequest request) {
        return Actor.of(principal(request), client(request));
    }

    /** Throws unless a state-changing request comes from this server's own pages (see the class comment). */
    static void requireSameOriginForChanges(ServerRequest request) {
        Method method = request.prologue().method();
        if (method.equals(Method.GET) || method.equals(Method.HEAD)) {
            return;
        }
        if (request.headers().first(HeaderNames.create(CSRF_HEADER)).isEmpty()) {
            throw new ForbiddenException("a request authenticated by the sign-in cookie that changes something must"
                    + " carry the " + CSRF_HEADER + " header (sent by the web UI)");
        }
        Optional<String> origin = request.headers().first(HeaderNames.ORIGIN);
        String host = request.headers().first(HeaderNames.HOST).orElse("");
        if (origin.isPresent() && !origin.get().equals("https://" + host)) {
            throw new ForbiddenException("cross-origin request from " + origin.get() + " refused");
        }
    }

    static String client(ServerRequest request) {
        SocketAddress address = request.remotePeer().address();
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return request.remotePeer().host();
    }
}
