package io.jitmask.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.jitmask.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * An OpenID provider's metadata, from its discovery document ({@code <issuer>/.well-known/openid-configuration}),
 * read once at start. The document must name the configured issuer exactly (OpenID Connect Discovery 1.0, 4.3), so a
 * look-alike or misconfigured URL cannot pass its keys off as the issuer's.
 */
public record OidcProvider(String issuer, URI jwksUri, URI authorizationEndpoint, URI tokenEndpoint) {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    public static OidcProvider discover(String issuer) {
        URI document = URI.create(issuer + "/.well-known/openid-configuration");
        JsonNode json;
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(document).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new ConfigException("OIDC discovery document " + document + " answered HTTP " + response.statusCode());
            }
            json = ApiJson.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new ConfigException("cannot read the OIDC discovery document " + document + " (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException("interrupted reading the OIDC discovery document " + document);
        }
        if (!issuer.equals(json.path("issuer").asText())) {
            throw new ConfigException("OIDC discovery document " + document + " names issuer '" + json.path("issuer").asText()
                    + "', not '" + issuer + "' (jitmask.http.oidc.issuer)");
        }
        return new OidcProvider(issuer, uri(json, "jwks_uri", document), optionalUri(json, "authorization_endpoint"),
                optionalUri(json, "token_endpoint"));
    }

    private static URI uri(JsonNode json, String field, URI document) {
        URI uri = optionalUri(json, field);
        if (uri == null) {
            throw new ConfigException("OIDC discovery document " + document + " has no '" + field + "'");
        }
        return uri;
    }

    private static URI optionalUri(JsonNode json, String field) {
        String text = json.path(field).asText("");
        return text.isEmpty() ? null : URI.create(text);
    }
}
