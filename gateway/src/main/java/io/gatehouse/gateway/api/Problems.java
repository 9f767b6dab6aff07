package io.gatehouse.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.gateway.admin.ForbiddenException;
import io.gatehouse.gateway.admin.InvalidRequestException;
import io.gatehouse.gateway.auth.AuthenticationException;
import io.gatehouse.gateway.recorder.RecordingUnavailableException;
import io.gatehouse.store.DuplicateException;
import io.gatehouse.store.NotFoundException;
import io.gatehouse.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Errors as RFC 9457 {@code application/problem+json}: a status, a short title and a one-line detail that
 * names the problem. Expected errors carry their own message; anything unexpected is logged with an id and
 * the client sees only that id, never a stack trace.
 */
public final class Problems {
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {}

    public static void handle(ServerRequest request, ServerResponse response, Throwable error) {
        switch (error) {
            case InvalidRequestException e -> send(response, Status.BAD_REQUEST_400, "Bad request", e.getMessage());
            case IllegalArgumentException e -> send(response, Status.BAD_REQUEST_400, "Bad request", e.getMessage());
            case AuthenticationException e -> authentication(response, e);
            case ForbiddenException e -> send(response, Status.FORBIDDEN_403, "Forbidden", e.getMessage());
            case NotFoundException e -> send(response, Status.NOT_FOUND_404, "Not found", e.getMessage());
            case DuplicateException e -> send(response, Status.CONFLICT_409, "Conflict", e.getMessage());
            case RecordingUnavailableException e ->
                send(
                        response,
                        Status.SERVICE_UNAVAILABLE_503,
                        "Recording unavailable",
                        "not done: the recording store is unavailable (" + e.getMessage() + ")");
            case StoreException e -> {
                LOG.warn(
                        "{} {}: store failure: {}",
                        request.prologue().method(),
                        request.path().path(),
                        e.getMessage());
                send(response, Status.SERVICE_UNAVAILABLE_503, "Store unavailable", "the store is unavailable");
            }
            default -> {
                String id = UUID.randomUUID().toString();
                LOG.error(
                        "{} {}: unexpected error {}",
                        request.prologue().method(),
                        request.path().path(),
                        id,
                        error);
                send(
                        response,
                        Status.INTERNAL_SERVER_ERROR_500,
                        "Internal error",
                        "unexpected error; the gateway log has details under id " + id);
            }
        }
    }

    private static void authentication(ServerResponse response, AuthenticationException e) {
        switch (e.reason()) {
            case DISABLED -> send(response, Status.FORBIDDEN_403, "Forbidden", e.getMessage());
            case RATE_LIMITED -> {
                response.header(
                        HeaderNames.RETRY_AFTER,
                        Long.toString(Math.max(1, e.retryAfter().orElseThrow().toSeconds())));
                send(response, Status.TOO_MANY_REQUESTS_429, "Too many requests", e.getMessage());
            }
            case MISSING, INVALID, EXPIRED, REVOKED -> {
                response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"gatehouse\"");
                send(response, Status.UNAUTHORIZED_401, "Unauthorized", e.getMessage());
            }
        }
    }

    public static void send(ServerResponse response, Status status, String title, String detail) {
        ObjectNode body = Json.object();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status.code());
        body.put("detail", detail);
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/problem+json");
        response.send(Json.bytes(body));
    }
}
