package io.jitmask.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jitmask.app.JitmaskApp;
import io.jitmask.approval.ApprovalPoster;
import io.jitmask.approval.Keyring;
import io.jitmask.config.ConfigException;
import io.jitmask.config.JitmaskConfig;
import io.jitmask.webauthn.CredentialPublisher;
import io.jitmask.webauthn.Passkeys;
import io.jitmask.webauthn.RelyingParty;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jitmask's HTTP API ({@code /api/...}, bearer tokens, JSON) and the web console ({@code /}), on the JDK's HTTP
 * server, as the embedded schema registry. Reads come from Kafka: the lifecycle's {@code grant-requests} store
 * (interactive queries), the grant index, a bounded tail of {@code jit.audit}, and {@code masked.*} for previews.
 * Writes are signed events on {@code jit.approvals}, like the CLI's. The routes are described in docs/openapi.yaml.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final int PREVIEW_RECORDS = 3;

    private final HttpServer server;
    private final ExecutorService executor;
    private final TokenAuthenticator tokens;
    /** Null unless jitmask.http.oidc.issuer is set. */
    private final OidcAuthenticator oidc;
    private final ConsoleSignIn signIn;
    private final List<Route> routes;
    private final AuditTail auditTail;
    private final ApprovalPoster poster;
    private final CredentialPublisher credentials;
    private final String url;

    private ApiServer(JitmaskApp app) throws IOException {
        JitmaskApp.Context context = app.context();
        JitmaskConfig config = context.config();
        tokens = TokenAuthenticator.load(config.httpTokensFile(), context.keyring());
        // Discovery runs before the port is bound: a wrong issuer stops start-up with a one-line error.
        oidc = config.oidcIssuer() == null ? null : OidcAuthenticator.fromConfig(config, context.keyring());
        signIn = new ConsoleSignIn(oidc, config.oidcClientId(), config.oidcClientSecretFile(), config.oidcScope());
        if (tokens.size() == 0 && oidc == null) {
            LOG.warn("HTTP API: no tokens ({} not set or empty) and no OIDC issuer: every API call is refused",
                    JitmaskConfig.HTTP_TOKENS_FILE);
        }
        try {
            // Bind first: a port in use fails at once, before any Kafka client exists.
            server = HttpServer.create(new InetSocketAddress(config.httpHost(), config.httpPort()), 50);
        } catch (BindException e) {
            throw new ConfigException("port " + config.httpPort() + " on " + config.httpHost()
                    + " is already in use (--http-port to choose another, --no-http to turn the API off)");
        }
        Clock clock = Clock.systemUTC();
        auditTail = new AuditTail(config.clientProperties(), config.httpAuditTailSize());
        poster = new ApprovalPoster(config.clientProperties());
        ApiAccess access = new ApiAccess(context.policy());
        RequestStates states = new RequestStates(app.control());
        EventSigner signer = new EventSigner(config.httpSigningKeysDir());
        MaskedPreview preview = new MaskedPreview(config.clientProperties(), context.registry(), PREVIEW_RECORDS, clock);
        RequestsHandler requests = new RequestsHandler(states, access, preview, signer, poster, clock);
        DecisionsHandler decisions = new DecisionsHandler(states, signer, poster, clock);
        credentials = new CredentialPublisher(config.clientProperties(), config.applicationId());
        PasskeysHandler passkeys = new PasskeysHandler(new Passkeys(RelyingParty.of(config)), credentials, app.control(),
                states, clock);
        routes = List.of(
                new Route("GET", "/api/me", new MeHandler(access)::get),
                new Route("GET", "/api/datasets", new DatasetsHandler(context)::list),
                new Route("GET", "/api/requests", requests::list),
                new Route("POST", "/api/requests", requests::create),
                new Route("GET", "/api/requests/{id}", requests::get),
                new Route("POST", "/api/requests/{id}/approve", decisions::approve),
                new Route("POST", "/api/requests/{id}/deny", decisions::deny),
                new Route("POST", "/api/requests/{id}/revoke", decisions::revoke),
                new Route("POST", "/api/requests/{id}/extend", decisions::extend),
                new Route("GET", "/api/requests/{id}/approval-challenge", passkeys::approvalChallenge),
                new Route("POST", "/api/passkeys/options", passkeys::options),
                new Route("GET", "/api/passkeys", passkeys::list),
                new Route("POST", "/api/passkeys", passkeys::register),
                new Route("DELETE", "/api/passkeys/{id}", passkeys::remove),
                new Route("GET", "/api/grants", new GrantsHandler(app.grants(), access, clock)::list),
                new Route("GET", "/api/audit", new AuditHandler(auditTail, access)::list));
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "jitmask-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        String host = server.getAddress().getAddress().isAnyLocalAddress() ? "localhost" : config.httpHost();
        url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getAddress().getPort();
    }

    /** Starts the API and console for a running application, as its configuration says. */
    public static ApiServer start(JitmaskApp app) throws IOException {
        return new ApiServer(app);
    }

    public String url() {
        return url;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Every route served, for the check against docs/openapi.yaml. */
    public List<Route> routes() {
        return routes;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        try {
            if (path.startsWith("/api/") || path.equals("/api")) {
                api(exchange, path);
            } else if (path.startsWith("/oidc/")) {
                consoleSignIn(exchange, path);
            } else {
                asset(exchange, path);
            }
        } catch (RuntimeException e) {
            LOG.warn("HTTP {} failed ({})", exchange.getRequestMethod(), e.getClass().getSimpleName());
            sendJson(exchange, 500, ApiJson.error(500, "internal error"));
        } finally {
            exchange.close();
        }
    }

    private void api(HttpExchange exchange, String path) throws IOException {
        String method = exchange.getRequestMethod();
        Optional<Keyring.Actor> actor;
        try {
            actor = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        } catch (ApiException e) {
            if (e.status() == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"jitmask\", error=\"invalid_token\"");
            }
            sendJson(exchange, e.status(), ApiJson.error(e.status(), e.getMessage()));
            return;
        }
        if (actor.isEmpty()) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"jitmask\"");
            sendJson(exchange, 401, ApiJson.error(401, "a valid bearer token is required"));
            return;
        }
        boolean pathKnown = false;
        for (Route route : routes) {
            Map<String, String> params = route.match(path);
            if (params == null) {
                continue;
            }
            pathKnown = true;
            if (!route.method().equals(method)) {
                continue;
            }
            ApiResponse response;
            try {
                JsonNode body = readBody(exchange);
                response = route.handler().handle(new ApiRequest(actor.get(), params, query(exchange), body));
            } catch (ApiException e) {
                response = new ApiResponse(e.status(), ApiJson.error(e.status(), e.getMessage()));
            } catch (ConfigException | IllegalArgumentException e) {
                // Our own validation messages (they name fields and limits, never values of records).
                response = new ApiResponse(400, ApiJson.error(400, e.getMessage()));
            } catch (IllegalStateException e) {
                LOG.warn("HTTP {} {} failed ({})", method, route.template(), e.getClass().getSimpleName());
                response = new ApiResponse(503, ApiJson.error(503, "Kafka did not accept the call in time; retry"));
            }
            if (method.equals("GET")) {
                // The console polls: reads are logged at debug only.
                LOG.debug("HTTP {} {} -> {} ({})", method, route.template(), response.status(), actor.get().name());
            } else {
                LOG.info("HTTP {} {} -> {} ({})", method, route.template(), response.status(), actor.get().name());
            }
            sendJson(exchange, response.status(), response.body());
            return;
        }
        int status = pathKnown ? 405 : 404;
        sendJson(exchange, status, ApiJson.error(status, pathKnown ? "method not allowed" : "no such API route"));
    }

    /**
     * A static token first (scripts), then, when OIDC is configured and the token is a JWT, an access token of the
     * issuer; an invalid access token is refused with the reason (ApiException 401), an unknown token is empty.
     */
    private Optional<Keyring.Actor> authenticate(String authorization) {
        Optional<Keyring.Actor> byToken = tokens.authenticate(authorization);
        if (byToken.isPresent() || oidc == null || authorization == null
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return byToken;
        }
        String token = authorization.substring(7).strip();
        return OidcAuthenticator.looksLikeJwt(token) ? Optional.of(oidc.authenticate(token)) : Optional.empty();
    }

    private void consoleSignIn(HttpExchange exchange, String path) throws IOException {
        String method = exchange.getRequestMethod();
        ApiResponse response;
        try {
            if (path.equals("/oidc/config") && method.equals("GET")) {
                response = signIn.config();
            } else if (path.equals("/oidc/token") && method.equals("POST")) {
                response = signIn.token(readBody(exchange));
            } else {
                response = new ApiResponse(404, ApiJson.error(404, "not found"));
            }
        } catch (ApiException e) {
            response = new ApiResponse(e.status(), ApiJson.error(e.status(), e.getMessage()));
        }
        LOG.debug("HTTP {} console sign-in -> {}", method, response.status());
        sendJson(exchange, response.status(), response.body());
    }

    private void asset(HttpExchange exchange, String path) throws IOException {
        ConsoleAssets.Asset asset = exchange.getRequestMethod().equals("GET") ? ConsoleAssets.find(path) : null;
        if (asset == null) {
            sendJson(exchange, 404, ApiJson.error(404, "not found"));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", asset.contentType());
        exchange.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'");
        send(exchange, 200, asset.bytes());
    }

    private static JsonNode readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new ApiException(413, "request body larger than " + MAX_BODY + " bytes");
            }
            if (bytes.length == 0) {
                return ApiJson.object();
            }
            JsonNode body;
            try {
                body = ApiJson.MAPPER.readTree(bytes);
            } catch (IOException e) {
                throw ApiException.badRequest("the body is not valid JSON");
            }
            if (body == null || !body.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return body;
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> out = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(key, value);
        }
        return out;
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, ApiJson.MAPPER.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        auditTail.close();
        poster.close();
        credentials.close();
    }
}
