package io.gatehouse.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.gateway.admin.Actor;
import io.gatehouse.gateway.admin.AdminService;
import io.gatehouse.gateway.auth.Principal;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * Web UI sign-in and sign-out. The token typed into the sign-in form is checked like a bearer token and
 * then kept only in a cookie that page scripts cannot read (HttpOnly), that travels only over TLS (Secure)
 * and only with requests from our own pages (SameSite=Strict). It never goes into a URL, browser storage
 * or a log. Both endpoints change state, so they require the same-origin proof of {@link RequestContext}.
 */
final class WebSignIn {
    static final String COOKIE = "gatehouse_token";

    private final RequestContext context;
    private final AdminService admin;

    WebSignIn(RequestContext context, AdminService admin) {
        this.context = context;
        this.admin = admin;
    }

    void register(HttpRouting.Builder r) {
        r.post("/ui/signin", (req, res) -> {
            RequestContext.requireSameOriginForChanges(req);
            JsonNode body = Json.body(req.content().as(byte[].class));
            String token = Json.requiredText(body, "token").strip();
            Principal principal = context.authenticate(token, req);
            Actor actor = Actor.of(principal, RequestContext.client(req));
            res.header(HeaderNames.SET_COOKIE, cookie(token, -1));
            AdminRoutes.ok(res, Views.whoami(actor, admin.identity(actor, actor.name())));
        });
        r.post("/ui/signout", (req, res) -> {
            RequestContext.requireSameOriginForChanges(req);
            res.header(HeaderNames.SET_COOKIE, cookie("", 0));
            AdminRoutes.ok(res, Json.object().put("signedOut", true));
        });
    }

    /** A session cookie (gone when the browser closes) or, with maxAge 0, the order to forget it. */
    private static String cookie(String value, int maxAgeSeconds) {
        return COOKIE + "=" + value + "; Path=/; HttpOnly; Secure; SameSite=Strict"
                + (maxAgeSeconds >= 0 ? "; Max-Age=" + maxAgeSeconds : "");
    }

    /** The token of the sign-in cookie, if the request carries one. */
    static Optional<String> cookieToken(ServerRequest request) {
        for (String header : request.headers().all(HeaderNames.COOKIE, java.util.List::of)) {
            for (String pair : header.split(";")) {
                String trimmed = pair.strip();
                if (trimmed.startsWith(COOKIE + "=")) {
                    String value = trimmed.substring(COOKIE.length() + 1);
                    if (!value.isEmpty()) {
                        return Optional.of(value);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
