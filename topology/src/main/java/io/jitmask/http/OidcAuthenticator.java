package io.jitmask.http;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import io.jitmask.approval.Keyring;
import io.jitmask.config.JitmaskConfig;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates OIDC access tokens (signed JWTs) and maps them to keyring actors. A token counts when its signature
 * verifies with a key of the issuer's JWKS (RSA or EC algorithms only: never {@code none} or a shared secret), its
 * {@code iss} is the issuer, its {@code aud} contains jitmask's audience, and it has not expired (60 s of clock
 * skew). The JWKS is cached and fetched again when a token names a key it does not hold, so the issuer rotates keys
 * without jitmask being told; a retired key stops working once it leaves the JWKS and the cache expires
 * ({@code jitmask.http.oidc.jwks.cache.ms}, 5 min).
 *
 * <p>Mapping: the actor claim (default {@code sub}), through the actor map when one is configured, must name a
 * keyring actor. Roles come from the keyring, which is what the lifecycle trusts; the identity provider can only
 * take a role away at the API ({@code jitmask.http.oidc.role.groups}: such a role counts only when the token's groups
 * hold its group), never add one.
 */
public final class OidcAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(OidcAuthenticator.class);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Keyring keyring;
    private final String actorClaim;
    private final Map<String, String> actorMap;
    private final String groupsClaim;
    private final Map<String, String> roleGroups;
    private final OidcProvider provider;

    public OidcAuthenticator(OidcProvider provider, String audience, Keyring keyring, String actorClaim,
                             Map<String, String> actorMap, String groupsClaim, Map<String, String> roleGroups,
                             java.time.Duration jwksCache) {
        this.provider = provider;
        this.keyring = keyring;
        this.actorClaim = actorClaim;
        this.actorMap = Map.copyOf(actorMap);
        this.groupsClaim = groupsClaim;
        this.roleGroups = Map.copyOf(roleGroups);
        JWKSource<SecurityContext> keys;
        try {
            long ttl = jwksCache.toMillis();
            // Refresh-ahead off: the cache simply expires, so a key the issuer retired stops working within the TTL.
            // An unknown key id fetches the JWKS again at most every min(30 s, TTL/2): a flood of forged key ids
            // cannot make jitmask hammer the identity provider.
            keys = JWKSourceBuilder.create(provider.jwksUri().toURL())
                    .cache(ttl, Math.min(ttl / 2, JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)).refreshAheadCache(false)
                    .rateLimited(Math.min(ttl / 2, JWKSourceBuilder.DEFAULT_RATE_LIMIT_MIN_INTERVAL))
                    .retrying(true).build();
        } catch (MalformedURLException e) {
            throw new io.jitmask.config.ConfigException("the issuer's jwks_uri is not a URL: " + provider.jwksUri());
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        // Access tokens are typed "at+jwt" (RFC 9068) by some issuers, "JWT" or nothing by others.
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(Set.of(audience),
                new JWTClaimsSet.Builder().issuer(provider.issuer()).build(), Set.of("exp", "iat", actorClaim), null));
    }

    public static OidcAuthenticator fromConfig(JitmaskConfig config, Keyring keyring) {
        return new OidcAuthenticator(OidcProvider.discover(config.oidcIssuer()), config.oidcAudience(), keyring,
                config.oidcActorClaim(), config.oidcActorMap(), config.oidcGroupsClaim(), config.oidcRoleGroups(),
                config.oidcJwksCache());
    }

    public OidcProvider provider() {
        return provider;
    }

    /** Whether a bearer token has the shape of a JWT (three base64url parts), so it is ours to judge. */
    static boolean looksLikeJwt(String token) {
        return token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    }

    /**
     * The actor of a valid token; a token that is not valid is refused with a 401 saying why (never quoting it).
     */
    public Keyring.Actor authenticate(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ExpiredJWTException e) {
            throw unauthorized("the access token has expired");
        } catch (BadJWTException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("aud")) {
                throw unauthorized("the access token is not for this audience");
            }
            if (message.contains("iss")) {
                throw unauthorized("the access token is from another issuer");
            }
            if (message.contains("missing required claims")) {
                throw unauthorized("the access token lacks a required claim (exp, iat, " + actorClaim + ")");
            }
            throw unauthorized("the access token is not valid");
        } catch (com.nimbusds.jose.jwk.source.RateLimitReachedException e) {
            // The JWKS was fetched again moments ago and the key was not in it.
            throw unauthorized("the access token is signed by a key the issuer does not publish");
        } catch (KeySourceException e) {
            LOG.warn("OIDC: cannot read the issuer's JWKS ({})", e.getClass().getSimpleName());
            throw new ApiException(503, "the identity provider's keys cannot be read right now; retry");
        } catch (BadJOSEException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("no matching key")) {
                throw unauthorized("the access token is signed by a key the issuer does not publish");
            }
            throw unauthorized("the access token is not valid");
        } catch (ParseException | com.nimbusds.jose.JOSEException e) {
            throw unauthorized("the access token is not valid");
        }
        return actorOf(claims);
    }

    private Keyring.Actor actorOf(JWTClaimsSet claims) {
        String value;
        try {
            value = claims.getStringClaim(actorClaim);
        } catch (ParseException e) {
            throw unauthorized("the access token's '" + actorClaim + "' claim is not a string");
        }
        String name = actorMap.isEmpty() ? value : actorMap.get(value);
        Keyring.Actor actor = name == null ? null : keyring.actor(name).orElse(null);
        if (actor == null) {
            throw new ApiException(403, "the signed-in identity is not mapped to a jitmask actor");
        }
        if (roleGroups.isEmpty()) {
            return actor;
        }
        Set<String> groups = new HashSet<>();
        try {
            List<String> listed = claims.getStringListClaim(groupsClaim);
            if (listed != null) {
                groups.addAll(listed);
            }
        } catch (ParseException e) {
            throw unauthorized("the access token's '" + groupsClaim + "' claim is not a list of strings");
        }
        Set<String> roles = new HashSet<>();
        for (String role : actor.roles()) {
            String group = roleGroups.get(role);
            if (group == null || groups.contains(group)) {
                roles.add(role);
            }
        }
        return new Keyring.Actor(actor.name(), actor.publicKey(), Set.copyOf(roles), actor.principal());
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, message);
    }
}
