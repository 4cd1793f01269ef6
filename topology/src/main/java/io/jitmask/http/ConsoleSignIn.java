package io.jitmask.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jitmask.config.ConfigException;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's sign-in through the identity provider: authorization code flow with PKCE (RFC 7636, S256). The
 * browser creates the verifier, sends the person to the issuer's authorization endpoint and comes back with a code;
 * this server redeems the code at the token endpoint (the page's Content-Security-Policy lets it talk to its own
 * origin only, and a client secret, when the issuer wants one, stays here) and hands the browser the access token,
 * after checking it exactly as every API call will. Served without a token: {@code GET /oidc/config} and
 * {@code POST /oidc/token}.
 */
final class ConsoleSignIn {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSignIn.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final OidcAuthenticator oidc;
    private final String clientId;
    private final String clientSecret;
    private final String scope;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** @param oidc null when OIDC is off; @param clientId null when the console does not sign in through the issuer */
    ConsoleSignIn(OidcAuthenticator oidc, String clientId, Path clientSecretFile, String scope) {
        this.oidc = oidc;
        this.clientId = clientId;
        this.scope = scope;
        if (clientSecretFile == null) {
            clientSecret = null;
        } else {
            try {
                clientSecret = Files.readString(clientSecretFile).strip();
            } catch (IOException e) {
                throw new ConfigException("cannot read the OIDC client secret file " + clientSecretFile);
            }
        }
    }

    private boolean enabled() {
        return oidc != null && clientId != null && oidc.provider().authorizationEndpoint() != null
                && oidc.provider().tokenEndpoint() != null;
    }

    ApiResponse config() {
        ObjectNode body = ApiJson.object().put("enabled", enabled());
        if (enabled()) {
            body.put("authorizationEndpoint", oidc.provider().authorizationEndpoint().toString());
            body.put("clientId", clientId);
            body.put("scope", scope);
        }
        return ApiResponse.ok(body);
    }

    /** Redeems {@code {"code", "codeVerifier", "redirectUri"}} for {@code {"accessToken", "expiresIn", "actor"}}. */
    ApiResponse token(JsonNode body) {
        if (!enabled()) {
            throw ApiException.notFound("sign-in through an identity provider is not configured");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", text(body, "code"));
        form.put("redirect_uri", text(body, "redirectUri"));
        form.put("code_verifier", text(body, "codeVerifier"));
        form.put("client_id", clientId);
        if (clientSecret != null) {
            form.put("client_secret", clientSecret);
        }
        String encoded = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        JsonNode answer;
        int status;
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(oidc.provider().tokenEndpoint()).timeout(TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(encoded)).build(), HttpResponse.BodyHandlers.ofByteArray());
            status = response.statusCode();
            answer = ApiJson.MAPPER.readTree(response.body());
        } catch (IOException e) {
            LOG.warn("OIDC token endpoint unreachable ({})", e.getClass().getSimpleName());
            throw new ApiException(503, "the identity provider cannot be reached; retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted");
        }
        if (status != 200 || answer == null || !answer.path("access_token").isTextual()) {
            // The provider's error code (e.g. invalid_grant) says what went wrong without quoting anything secret.
            String error = answer == null ? "" : answer.path("error").asText("");
            throw new ApiException(401, "the identity provider refused the sign-in"
                    + (error.matches("[a-z_]{1,40}") ? " (" + error + ")" : ""));
        }
        String accessToken = answer.get("access_token").asText();
        var actor = oidc.authenticate(accessToken);
        ObjectNode out = ApiJson.object().put("accessToken", accessToken).put("actor", actor.name());
        if (answer.path("expires_in").canConvertToLong()) {
            out.put("expiresIn", answer.get("expires_in").asLong());
        }
        return ApiResponse.ok(out);
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank() || value.asText().length() > 2048) {
            throw ApiException.badRequest("'" + field + "' is required (a non-empty string)");
        }
        return value.asText();
    }
}
