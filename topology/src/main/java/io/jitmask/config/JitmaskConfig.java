package io.jitmask.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every setting of jitmask in one typed place. Read from a properties file ({@code jitmask run --config}); keys
 * that are not jitmask's own are passed to Kafka Streams and its clients unchanged (security.protocol, sasl.*...).
 */
public final class JitmaskConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String REGISTRY_URL = "schema.registry.url";
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String DATASETS = "jitmask.datasets";
    public static final String POLICY_FILE = "jitmask.policy.file";
    public static final String KEYRING_FILE = "jitmask.keyring.file";
    public static final String KEYSET_FILE = "jitmask.keyset.file";
    /** Environment variable holding the keyset JSON when no file is configured. */
    public static final String KEYSET_ENV = "JITMASK_KEYSET";
    public static final String GRANT_DELETE_GRACE_MS = "jitmask.grant.delete.grace.ms";
    public static final String REQUEST_TTL_SECONDS = "jitmask.request.ttl.seconds";
    /**
     * Finished requests leave the lifecycle store this long after they end, and events signed this long ago are
     * refused (STALE), so pruning never lets a replay in. Longer than any outage or consumer lag to ride out.
     */
    public static final String REQUEST_PRUNE_HORIZON_SECONDS = "jitmask.request.prune.horizon.seconds";
    /** Undecided requests one requester may have at once; more are refused (TOO_MANY_PENDING) and audited. */
    public static final String REQUEST_MAX_PENDING_PER_REQUESTER = "jitmask.request.max.pending.per.requester";
    /**
     * Stream threads of the control plane (the lifecycle's own Kafka Streams instance, application.id + "-control").
     * The lifecycle is partitioned by request id, so threads share the partitions of jit.approvals. 1 by default:
     * 2 threads were not shown to help on 2 cores (each commits its own transaction, so more CPU per event; see
     * bench/README.md, session 6), and the 1,000,000-request run, on 2 threads, used less than one core in all.
     */
    public static final String CONTROL_STREAM_THREADS = "jitmask.control.num.stream.threads";
    /**
     * Masking first: while the masking path is more than {@link #CONTROL_LAG_THRESHOLD_RECORDS} records behind on
     * raw.*, the control plane takes at most this many events of jit.approvals per second (in order, none refused or
     * lost), so a flood of requests cannot take the CPU masking needs. 0: no cap.
     */
    public static final String CONTROL_LAGGING_MAX_EVENTS_PER_SECOND = "jitmask.control.lagging.max.events.per.second";
    /**
     * How far behind on raw.* (records, all partitions of this instance) masking must be for the cap above to apply;
     * lookback catch-ups also run a tenth as often while it is (masking first).
     */
    public static final String CONTROL_LAG_THRESHOLD_RECORDS = "jitmask.control.lag.threshold.records";
    /**
     * The most grant commands a worker carries out together (one Admin request per step for all of them: describe
     * the raw topics, create the grant topics, add the ACLs; remove ACLs; delete topics). 1 runs them one by one.
     */
    public static final String GRANT_COMMAND_BATCH_MAX = "jitmask.grant.command.batch.max";
    /** The largest batch allowed: one batch's requests must be answered within the worker's 30 s wait. */
    public static final int GRANT_COMMAND_BATCH_LIMIT = 5_000;
    /** Copies stop this long before expiresAt, so batching and commit delays cannot land one after it. */
    public static final String GRANT_COPY_CUTOFF_MS = "jitmask.grant.copy.cutoff.ms";
    public static final String TOPIC_PARTITIONS = "jitmask.topic.partitions";
    public static final String TOPIC_REPLICATION_FACTOR = "jitmask.topic.replication.factor";
    public static final String MANAGE_ACLS = "jitmask.acls.enabled";
    /**
     * Lookback grants: how many copies of past records the catch-ups of one instance write per second, at most
     * (records read but matched by no grant do not count).
     */
    public static final String BACKFILL_MAX_RECORDS_PER_SECOND = "jitmask.backfill.max.records.per.second";
    /** Lookback grants: how often each partition's catch-up reports its progress (BACKFILL_PROGRESS). */
    public static final String BACKFILL_PROGRESS_INTERVAL_MS = "jitmask.backfill.progress.interval.ms";
    /** The management port (/metrics, /health, /ready): off unless enabled, since it opens a port. */
    public static final String METRICS_ENABLED = "jitmask.metrics.enabled";
    public static final String METRICS_HOST = "jitmask.metrics.host";
    public static final String METRICS_PORT = "jitmask.metrics.port";
    /** How long a per-grant delivery series outlives its grant, so its final count is still scraped. */
    public static final String METRICS_GRANT_SERIES_RETENTION_MS = "jitmask.metrics.grant.series.retention.ms";
    /** HTTP API and web console (io.jitmask.http): on by default, on loopback. */
    public static final String HTTP_ENABLED = "jitmask.http.enabled";
    public static final String HTTP_HOST = "jitmask.http.host";
    public static final String HTTP_PORT = "jitmask.http.port";
    /** Lines of {@code <sha256 hex of a bearer token> <actor>}; without it every API call is refused. */
    public static final String HTTP_TOKENS_FILE = "jitmask.http.tokens.file";
    /** Optional: {@code <actor>.key} files the server signs with for callers who do not sign themselves. */
    public static final String HTTP_SIGNING_KEYS_DIR = "jitmask.http.signing.keys.dir";
    public static final String HTTP_AUDIT_TAIL_SIZE = "jitmask.http.audit.tail.size";
    /** OpenID Connect for the API and console: the issuer (its discovery document is read at start); off when unset. */
    public static final String HTTP_OIDC_ISSUER = "jitmask.http.oidc.issuer";
    /** The audience an access token must name (aud); required with an issuer. */
    public static final String HTTP_OIDC_AUDIENCE = "jitmask.http.oidc.audience";
    /** The claim naming the person; its value is a keyring actor, or is mapped to one by the actor map. */
    public static final String HTTP_OIDC_ACTOR_CLAIM = "jitmask.http.oidc.actor.claim";
    /** Optional {@code <claim value>:<actor>,...}; when set, only listed values map to actors. */
    public static final String HTTP_OIDC_ACTOR_MAP = "jitmask.http.oidc.actor.map";
    public static final String HTTP_OIDC_GROUPS_CLAIM = "jitmask.http.oidc.groups.claim";
    /** Optional {@code <role>:<group>,...}: a keyring role named here counts at the API only with that group in the token. */
    public static final String HTTP_OIDC_ROLE_GROUPS = "jitmask.http.oidc.role.groups";
    /** The console's client id (authorization code + PKCE); no console sign-in through the issuer when unset. */
    public static final String HTTP_OIDC_CLIENT_ID = "jitmask.http.oidc.client.id";
    /** Optional: the client secret file, when the issuer treats the console as a confidential client. */
    public static final String HTTP_OIDC_CLIENT_SECRET_FILE = "jitmask.http.oidc.client.secret.file";
    public static final String HTTP_OIDC_SCOPE = "jitmask.http.oidc.scope";
    /** How long the issuer's JWKS is cached; an unknown key id fetches it at once, a retired key works until then. */
    public static final String HTTP_OIDC_JWKS_CACHE_MS = "jitmask.http.oidc.jwks.cache.ms";
    /** WebAuthn (passkey) approvals: the relying party id, the host name the console is served under. */
    public static final String WEBAUTHN_RP_ID = "jitmask.webauthn.rp.id";
    /** The name authenticators show when a passkey is registered. */
    public static final String WEBAUTHN_RP_NAME = "jitmask.webauthn.rp.name";
    /**
     * Comma-separated origins the console is served from (scheme://host[:port]); an assertion made on any other page
     * is refused. Default: {@code http://<rp id>:<http port>}.
     */
    public static final String WEBAUTHN_ORIGINS = "jitmask.webauthn.origins";
    /** Notifications (io.jitmask.notify): the webhook every notification is posted to; none when unset. */
    public static final String NOTIFY_WEBHOOK_URL = "jitmask.notify.webhook.url";
    /** Body format: cloudevents (CloudEvents 1.0 structured JSON), slack or teams (incoming-webhook messages). */
    public static final String NOTIFY_WEBHOOK_FORMAT = "jitmask.notify.webhook.format";
    /** File holding the Standard Webhooks signing secret ({@code whsec_<base64>}); required with a webhook URL. */
    public static final String NOTIFY_WEBHOOK_SECRET_FILE = "jitmask.notify.webhook.secret.file";
    /** How long before a grant's expiresAt its grantee is reminded. */
    /**
     * Further webhooks, by name (comma-separated, each {@code [a-z0-9][a-z0-9-]*}, at most 32 characters, not
     * {@code default}); each is set by {@code jitmask.notify.webhook.<name>.url}, {@code .secret.file},
     * {@code .format} (default cloudevents) and {@code .types} (notification types, default all).
     */
    public static final String NOTIFY_WEBHOOKS = "jitmask.notify.webhooks";
    /** Prefix of a named webhook's settings: {@code jitmask.notify.webhook.<name>.<setting>}. */
    public static final String NOTIFY_WEBHOOK_PREFIX = "jitmask.notify.webhook.";
    public static final String NOTIFY_REMINDER_LEAD_SECONDS = "jitmask.notify.reminder.lead.seconds";
    public static final String NOTIFY_RETRY_MAX_ATTEMPTS = "jitmask.notify.retry.max.attempts";
    /** First retry delay; doubled on each attempt, at most 30 s. */
    public static final String NOTIFY_RETRY_BACKOFF_MS = "jitmask.notify.retry.backoff.ms";
    /** Base URL of the console, for links to a request in notifications; no link when unset. */
    public static final String NOTIFY_CONSOLE_URL = "jitmask.notify.console.url";
    /** Audit export: a topic to which every jit.audit event is copied as a CloudEvent (structured JSON); none when unset. */
    public static final String AUDIT_CLOUDEVENTS_TOPIC = "jitmask.audit.cloudevents.topic";
    /**
     * Which subject a raw record's writer schema must be registered under: {@code topic} (TopicNameStrategy,
     * {@code raw.<dataset>-value}) or {@code record} (RecordNameStrategy: the schema's full name, one of the
     * dataset's {@code subjects} in the policy). A record whose schema id is not under it is dead-lettered.
     */
    public static final String SUBJECT_NAME_STRATEGY = "jitmask.subject.name.strategy";
    /**
     * How much of a JSON Schema record masking validates: {@code full} (default; every raw record is validated whole
     * against its writer schema and one that breaks it is dead-lettered naming the keyword and location; a record whose
     * masking plan proves the masked copy valid is not validated again after masking) or {@code rewritten} (only what
     * masking rewrites is checked: faster, but a record that already broke its schema outside the masked fields
     * reaches masked.* as the producer wrote it).
     */
    public static final String FORMATS_JSON_VALIDATION = "jitmask.formats.json.validation";
    /** Schema registry HTTP basic auth, as Confluent's clients take it: {@code USER_INFO} or {@code URL}. */
    public static final String REGISTRY_AUTH_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} for the schema registry (with source USER_INFO). Never logged. */
    public static final String REGISTRY_USER_INFO = "basic.auth.user.info";
    private static final String REGISTRY_PREFIX = "schema.registry.";

    private static final Set<String> OWN_KEYS = Set.of(REGISTRY_URL, DATASETS, POLICY_FILE, KEYRING_FILE, KEYSET_FILE,
            GRANT_DELETE_GRACE_MS, GRANT_COPY_CUTOFF_MS, REQUEST_TTL_SECONDS, TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR, MANAGE_ACLS,
            REGISTRY_AUTH_SOURCE, REGISTRY_USER_INFO, REGISTRY_PREFIX + REGISTRY_AUTH_SOURCE, REGISTRY_PREFIX + REGISTRY_USER_INFO);

    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry(APPLICATION_ID, "jitmask"),
            Map.entry(PROCESSING_GUARANTEE, StreamsConfig.EXACTLY_ONCE_V2),
            Map.entry(COMMIT_INTERVAL_MS, "100"),
            Map.entry(DATASETS, "customers,payments,patients,tickets,orders,clicks"),
            Map.entry(GRANT_DELETE_GRACE_MS, "0"),
            Map.entry(GRANT_COPY_CUTOFF_MS, "1000"),
            Map.entry(GRANT_COMMAND_BATCH_MAX, "500"),
            Map.entry(REQUEST_TTL_SECONDS, "86400"),
            Map.entry(REQUEST_PRUNE_HORIZON_SECONDS, "604800"),
            Map.entry(REQUEST_MAX_PENDING_PER_REQUESTER, "1000"),
            Map.entry(CONTROL_STREAM_THREADS, "1"),
            Map.entry(CONTROL_LAGGING_MAX_EVENTS_PER_SECOND, "200"),
            Map.entry(CONTROL_LAG_THRESHOLD_RECORDS, "1000"),
            Map.entry(TOPIC_PARTITIONS, "3"),
            Map.entry(TOPIC_REPLICATION_FACTOR, "1"),
            Map.entry(MANAGE_ACLS, "true"),
            Map.entry(BACKFILL_MAX_RECORDS_PER_SECOND, "10000"),
            Map.entry(BACKFILL_PROGRESS_INTERVAL_MS, "5000"),
            Map.entry(METRICS_ENABLED, "false"),
            Map.entry(METRICS_HOST, "0.0.0.0"),
            Map.entry(METRICS_PORT, "9404"),
            Map.entry(METRICS_GRANT_SERIES_RETENTION_MS, "300000"),
            Map.entry(HTTP_ENABLED, "true"),
            Map.entry(HTTP_HOST, "localhost"),
            Map.entry(HTTP_PORT, "8080"),
            Map.entry(HTTP_AUDIT_TAIL_SIZE, "10000"),
            Map.entry(HTTP_OIDC_ACTOR_CLAIM, "sub"),
            Map.entry(HTTP_OIDC_GROUPS_CLAIM, "groups"),
            Map.entry(HTTP_OIDC_SCOPE, "openid"),
            Map.entry(HTTP_OIDC_JWKS_CACHE_MS, "300000"),
            Map.entry(WEBAUTHN_RP_ID, "localhost"),
            Map.entry(WEBAUTHN_RP_NAME, "jitmask"),
            Map.entry(NOTIFY_WEBHOOK_FORMAT, "cloudevents"),
            Map.entry(NOTIFY_REMINDER_LEAD_SECONDS, "600"),
            Map.entry(NOTIFY_RETRY_MAX_ATTEMPTS, "8"),
            Map.entry(NOTIFY_RETRY_BACKOFF_MS, "500"),
            Map.entry(SUBJECT_NAME_STRATEGY, "topic"),
            Map.entry(FORMATS_JSON_VALIDATION, "full"));

    public static final String CONTROL_SUFFIX = "-control";

    private final Properties props;

    private JitmaskConfig(Properties props) {
        this.props = props;
        validate();
    }

    public static JitmaskConfig of(Map<String, ?> settings) {
        Properties props = new Properties();
        DEFAULTS.forEach(props::setProperty);
        settings.forEach((k, v) -> props.setProperty(k, String.valueOf(v)));
        return new JitmaskConfig(props);
    }

    public static JitmaskConfig load(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Properties merged = new Properties();
        DEFAULTS.forEach(merged::setProperty);
        props.forEach((k, v) -> merged.setProperty(k.toString(), v.toString().trim()));
        return new JitmaskConfig(merged);
    }

    /** A copy with some settings replaced (command-line flags win over the file). */
    public JitmaskConfig with(Map<String, ?> overrides) {
        Properties copy = new Properties();
        copy.putAll(props);
        overrides.forEach((k, v) -> copy.setProperty(k, String.valueOf(v)));
        return new JitmaskConfig(copy);
    }

    private void validate() {
        require(BOOTSTRAP_SERVERS);
        require(REGISTRY_URL);
        for (String dataset : datasets()) {
            if (!Topics.isValidName(dataset)) {
                throw new ConfigException(DATASETS + ": dataset name '" + dataset + "' must match " + Topics.NAME.pattern());
            }
        }
        String guarantee = processingGuarantee();
        if (!guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) && !guarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
            throw new ConfigException(PROCESSING_GUARANTEE + " must be exactly_once_v2 or at_least_once, got '" + guarantee + "'");
        }
        positiveLong(COMMIT_INTERVAL_MS);
        nonNegativeLong(GRANT_DELETE_GRACE_MS);
        nonNegativeLong(GRANT_COPY_CUTOFF_MS);
        grantCommandBatchMax();
        positiveLong(REQUEST_TTL_SECONDS);
        positiveLong(REQUEST_PRUNE_HORIZON_SECONDS);
        positiveInt(REQUEST_MAX_PENDING_PER_REQUESTER);
        positiveInt(CONTROL_STREAM_THREADS);
        nonNegativeLong(CONTROL_LAGGING_MAX_EVENTS_PER_SECOND);
        nonNegativeLong(CONTROL_LAG_THRESHOLD_RECORDS);
        positiveLong(TOPIC_PARTITIONS);
        positiveLong(TOPIC_REPLICATION_FACTOR);
        positiveLong(BACKFILL_MAX_RECORDS_PER_SECOND);
        positiveLong(BACKFILL_PROGRESS_INTERVAL_MS);
        port(METRICS_PORT);
        nonNegativeLong(METRICS_GRANT_SERIES_RETENTION_MS);
        httpPort();
        positiveLong(HTTP_AUDIT_TAIL_SIZE);
        subjectNameStrategy();
        jsonValidation();
        registryUserInfo();
        validateNotify();
        if (oidcIssuer() != null) {
            require(HTTP_OIDC_AUDIENCE);
            positiveLong(HTTP_OIDC_JWKS_CACHE_MS);
            oidcActorMap();
            oidcRoleGroups();
        }
        String auditTopic = auditCloudEventsTopic();
        if (auditTopic != null && !auditTopic.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new ConfigException(AUDIT_CLOUDEVENTS_TOPIC + ": '" + auditTopic + "' is not a valid topic name");
        }
    }

    private void validateNotify() {
        positiveLong(NOTIFY_REMINDER_LEAD_SECONDS);
        positiveLong(NOTIFY_RETRY_MAX_ATTEMPTS);
        positiveLong(NOTIFY_RETRY_BACKOFF_MS);
        String format = notifyWebhookFormat();
        if (!List.of("cloudevents", "slack", "teams").contains(format)) {
            throw new ConfigException(NOTIFY_WEBHOOK_FORMAT + " must be cloudevents, slack or teams, got '" + format + "'");
        }
        java.net.URI url = notifyWebhookUrl();
        if (url != null) {
            checkWebhook(NOTIFY_WEBHOOK_URL, url, NOTIFY_WEBHOOK_SECRET_FILE, notifyWebhookSecretFile());
        }
        notifyWebhooks();
    }

    private static void checkWebhook(String urlKey, java.net.URI url, String secretKey, Path secretFile) {
        if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme()) || url.getHost() == null) {
            // Never echo the URL: incoming-webhook URLs (Slack, Teams) are themselves secrets.
            throw new ConfigException(urlKey + " must be an http(s) URL with a host");
        }
        if (secretFile == null) {
            throw new ConfigException(secretKey + " is required with " + urlKey + ": every notification is signed");
        }
    }

    /**
     * Every webhook, {@code default} (the single-webhook settings) first when set, then those named in
     * {@code jitmask.notify.webhooks} in their order; empty when notifications are off.
     */
    public List<WebhookSettings> notifyWebhooks() {
        List<WebhookSettings> out = new java.util.ArrayList<>();
        java.net.URI defaultUrl = notifyWebhookUrl();
        if (defaultUrl != null) {
            out.add(new WebhookSettings("default", defaultUrl, notifyWebhookFormat(), notifyWebhookSecretFile(),
                    java.util.EnumSet.allOf(io.jitmask.notify.NotificationType.class)));
        }
        String raw = props.getProperty(NOTIFY_WEBHOOKS);
        if (raw == null || raw.isBlank()) {
            return out;
        }
        Set<String> names = new java.util.LinkedHashSet<>();
        for (String part : raw.split(",")) {
            String name = part.trim();
            if (!name.matches("[a-z0-9][a-z0-9-]{0,31}") || name.equals("default")) {
                throw new ConfigException(NOTIFY_WEBHOOKS + ": '" + name + "' is not a webhook name (lower-case letters, "
                        + "digits and '-', at most 32, not 'default')");
            }
            if (!names.add(name)) {
                throw new ConfigException(NOTIFY_WEBHOOKS + ": '" + name + "' is named twice");
            }
        }
        names.forEach(name -> out.add(namedWebhook(name)));
        return out;
    }

    private WebhookSettings namedWebhook(String name) {
        String prefix = NOTIFY_WEBHOOK_PREFIX + name + ".";
        String urlKey = prefix + "url";
        String rawUrl = props.getProperty(urlKey);
        if (rawUrl == null || rawUrl.isBlank()) {
            throw new ConfigException("missing required setting '" + urlKey + "'");
        }
        java.net.URI url;
        try {
            url = new java.net.URI(rawUrl.trim());
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(urlKey + " is not a valid URL");
        }
        checkWebhook(urlKey, url, prefix + "secret.file", optionalPath(prefix + "secret.file"));
        String format = props.getProperty(prefix + "format", "cloudevents").trim();
        if (!List.of("cloudevents", "slack", "teams").contains(format)) {
            throw new ConfigException(prefix + "format must be cloudevents, slack or teams, got '" + format + "'");
        }
        Set<io.jitmask.notify.NotificationType> types = java.util.EnumSet.allOf(io.jitmask.notify.NotificationType.class);
        String rawTypes = props.getProperty(prefix + "types");
        if (rawTypes != null && !rawTypes.isBlank()) {
            types = java.util.EnumSet.noneOf(io.jitmask.notify.NotificationType.class);
            for (String t : rawTypes.split(",")) {
                try {
                    types.add(io.jitmask.notify.NotificationType.valueOf(t.trim()));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(prefix + "types: '" + t.trim() + "' is not a notification type (one of "
                            + Arrays.toString(io.jitmask.notify.NotificationType.values()) + ")");
                }
            }
        }
        return new WebhookSettings(name, url, format, optionalPath(prefix + "secret.file"), types);
    }

    public io.jitmask.mask.JsonValidation jsonValidation() {
        return io.jitmask.mask.JsonValidation.parse(FORMATS_JSON_VALIDATION, props.getProperty(FORMATS_JSON_VALIDATION));
    }

    public io.jitmask.classify.SubjectNaming subjectNameStrategy() {
        return io.jitmask.classify.SubjectNaming.parse(props.getProperty(SUBJECT_NAME_STRATEGY));
    }

    /**
     * The registry's basic-auth {@code user:password}, or null to use the URL's user info (if any). Confluent's
     * names are read with or without their {@code schema.registry.} prefix.
     */
    public String registryUserInfo() {
        return registryUserInfo(props::getProperty);
    }

    /** The same from any settings (a client properties file of the CLI). */
    public static String registryUserInfo(java.util.function.Function<String, String> settings) {
        String source = firstOf(settings, REGISTRY_PREFIX + REGISTRY_AUTH_SOURCE, REGISTRY_AUTH_SOURCE);
        String userInfo = firstOf(settings, REGISTRY_PREFIX + REGISTRY_USER_INFO, REGISTRY_USER_INFO);
        if (source != null && !source.equals("USER_INFO") && !source.equals("URL")) {
            throw new ConfigException(REGISTRY_AUTH_SOURCE + " must be USER_INFO or URL, got '" + source + "'");
        }
        if ("URL".equals(source) || userInfo == null) {
            return null;
        }
        if (!userInfo.contains(":")) {
            // Never echo it: it holds a password.
            throw new ConfigException(REGISTRY_USER_INFO + " must look like user:password");
        }
        return userInfo;
    }

    private static String firstOf(java.util.function.Function<String, String> settings, String... keys) {
        for (String key : keys) {
            String value = settings.apply(key);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    private void require(String key) {
        String value = props.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new ConfigException("missing required setting '" + key + "'");
        }
    }

    private long positiveLong(String key) {
        long value = longValue(key);
        if (value <= 0) {
            throw new ConfigException(key + " must be positive, got " + value);
        }
        return value;
    }

    private int positiveInt(String key) {
        long value = positiveLong(key);
        if (value > Integer.MAX_VALUE) {
            throw new ConfigException(key + " must be at most " + Integer.MAX_VALUE + ", got " + value);
        }
        return (int) value;
    }

    private long nonNegativeLong(String key) {
        long value = longValue(key);
        if (value < 0) {
            throw new ConfigException(key + " must not be negative, got " + value);
        }
        return value;
    }

    private long longValue(String key) {
        String raw = props.getProperty(key);
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new ConfigException(key + " must be a number, got '" + raw + "'");
        }
    }

    private Path optionalPath(String key) {
        String raw = props.getProperty(key);
        return raw == null || raw.isBlank() ? null : Path.of(raw.trim());
    }

    public String bootstrapServers() {
        return props.getProperty(BOOTSTRAP_SERVERS);
    }

    public String registryUrl() {
        return props.getProperty(REGISTRY_URL);
    }

    public String applicationId() {
        return props.getProperty(APPLICATION_ID);
    }

    public String processingGuarantee() {
        return props.getProperty(PROCESSING_GUARANTEE);
    }

    public List<String> datasets() {
        return Arrays.stream(props.getProperty(DATASETS).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public Path policyFile() {
        return optionalPath(POLICY_FILE);
    }

    public Path keyringFile() {
        return optionalPath(KEYRING_FILE);
    }

    public Path keysetFile() {
        return optionalPath(KEYSET_FILE);
    }

    public Duration grantDeleteGrace() {
        return Duration.ofMillis(nonNegativeLong(GRANT_DELETE_GRACE_MS));
    }

    public Duration grantCopyCutoff() {
        return Duration.ofMillis(longValue(GRANT_COPY_CUTOFF_MS));
    }

    /** The most grant commands a worker carries out together, 1 to {@link #GRANT_COMMAND_BATCH_LIMIT}. */
    public int grantCommandBatchMax() {
        int value = positiveInt(GRANT_COMMAND_BATCH_MAX);
        if (value > GRANT_COMMAND_BATCH_LIMIT) {
            throw new ConfigException(GRANT_COMMAND_BATCH_MAX + " must be at most " + GRANT_COMMAND_BATCH_LIMIT + ", got " + value);
        }
        return value;
    }

    public Duration requestTtl() {
        return Duration.ofSeconds(positiveLong(REQUEST_TTL_SECONDS));
    }

    public Duration requestPruneHorizon() {
        return Duration.ofSeconds(positiveLong(REQUEST_PRUNE_HORIZON_SECONDS));
    }

    public int maxPendingPerRequester() {
        return positiveInt(REQUEST_MAX_PENDING_PER_REQUESTER);
    }

    public int controlStreamThreads() {
        return positiveInt(CONTROL_STREAM_THREADS);
    }

    /** Events/s the control plane may take while masking lags; 0 for no cap. */
    public long controlLaggingMaxEventsPerSecond() {
        return nonNegativeLong(CONTROL_LAGGING_MAX_EVENTS_PER_SECOND);
    }

    public long controlLagThresholdRecords() {
        return nonNegativeLong(CONTROL_LAG_THRESHOLD_RECORDS);
    }

    /** The control plane's Kafka Streams application id: its own group, transactional ids, internal topics and state dir. */
    public String controlApplicationId() {
        return applicationId() + CONTROL_SUFFIX;
    }

    public int topicPartitions() {
        return (int) positiveLong(TOPIC_PARTITIONS);
    }

    public short topicReplicationFactor() {
        return (short) positiveLong(TOPIC_REPLICATION_FACTOR);
    }

    public long backfillMaxRecordsPerSecond() {
        return positiveLong(BACKFILL_MAX_RECORDS_PER_SECOND);
    }

    public Duration backfillProgressInterval() {
        return Duration.ofMillis(positiveLong(BACKFILL_PROGRESS_INTERVAL_MS));
    }

    public boolean manageAcls() {
        return Boolean.parseBoolean(props.getProperty(MANAGE_ACLS));
    }

    public boolean metricsEnabled() {
        return Boolean.parseBoolean(props.getProperty(METRICS_ENABLED));
    }

    public String metricsHost() {
        return props.getProperty(METRICS_HOST).trim();
    }

    public int metricsPort() {
        return port(METRICS_PORT);
    }

    public Duration metricsGrantSeriesRetention() {
        return Duration.ofMillis(nonNegativeLong(METRICS_GRANT_SERIES_RETENTION_MS));
    }

    public boolean httpEnabled() {
        return Boolean.parseBoolean(props.getProperty(HTTP_ENABLED));
    }

    public String httpHost() {
        return props.getProperty(HTTP_HOST);
    }

    /** 0 picks a free port. */
    public int httpPort() {
        return port(HTTP_PORT);
    }

    /** A port setting: 0 picks a free port. */
    private int port(String key) {
        long port = nonNegativeLong(key);
        if (port > 65535) {
            throw new ConfigException(key + " must be a port number (0-65535), got " + port);
        }
        return (int) port;
    }

    public Path httpTokensFile() {
        return optionalPath(HTTP_TOKENS_FILE);
    }

    public Path httpSigningKeysDir() {
        return optionalPath(HTTP_SIGNING_KEYS_DIR);
    }

    public int httpAuditTailSize() {
        return (int) Math.min(Integer.MAX_VALUE, positiveLong(HTTP_AUDIT_TAIL_SIZE));
    }

    public String webAuthnRpId() {
        return props.getProperty(WEBAUTHN_RP_ID).trim();
    }

    public String webAuthnRpName() {
        return props.getProperty(WEBAUTHN_RP_NAME).trim();
    }

    /** The console's origins, for WebAuthn's origin check. */
    public List<String> webAuthnOrigins() {
        String raw = props.getProperty(WEBAUTHN_ORIGINS);
        if (raw == null || raw.isBlank()) {
            return List.of("http://" + webAuthnRpId() + ":" + httpPort());
        }
        return Arrays.stream(raw.split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList();
    }

    /** The OIDC issuer (no trailing slash), or null: only static tokens are accepted. */
    public String oidcIssuer() {
        String raw = props.getProperty(HTTP_OIDC_ISSUER);
        return raw == null || raw.isBlank() ? null : raw.trim().replaceAll("/+$", "");
    }

    public String oidcAudience() {
        return props.getProperty(HTTP_OIDC_AUDIENCE).trim();
    }

    public String oidcActorClaim() {
        return props.getProperty(HTTP_OIDC_ACTOR_CLAIM).trim();
    }

    public Map<String, String> oidcActorMap() {
        return pairs(HTTP_OIDC_ACTOR_MAP);
    }

    public String oidcGroupsClaim() {
        return props.getProperty(HTTP_OIDC_GROUPS_CLAIM).trim();
    }

    public Map<String, String> oidcRoleGroups() {
        return pairs(HTTP_OIDC_ROLE_GROUPS);
    }

    public String oidcClientId() {
        String raw = props.getProperty(HTTP_OIDC_CLIENT_ID);
        return raw == null || raw.isBlank() ? null : raw.trim();
    }

    public Path oidcClientSecretFile() {
        return optionalPath(HTTP_OIDC_CLIENT_SECRET_FILE);
    }

    public Duration oidcJwksCache() {
        return Duration.ofMillis(positiveLong(HTTP_OIDC_JWKS_CACHE_MS));
    }

    public String oidcScope() {
        return props.getProperty(HTTP_OIDC_SCOPE).trim();
    }

    /** {@code a:b,c:d} as an ordered map; empty when unset. */
    private Map<String, String> pairs(String key) {
        String raw = props.getProperty(key);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        for (String pair : raw.split(",")) {
            int colon = pair.lastIndexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new ConfigException(key + ": expected '<from>:<to>' pairs separated by commas");
            }
            out.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
        }
        return out;
    }

    /** Where notifications go, or null: notifications are off. */
    public java.net.URI notifyWebhookUrl() {
        String raw = props.getProperty(NOTIFY_WEBHOOK_URL);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return new java.net.URI(raw.trim());
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(NOTIFY_WEBHOOK_URL + " is not a valid URL");
        }
    }

    public String notifyWebhookFormat() {
        return props.getProperty(NOTIFY_WEBHOOK_FORMAT).trim();
    }

    public Path notifyWebhookSecretFile() {
        return optionalPath(NOTIFY_WEBHOOK_SECRET_FILE);
    }

    public Duration notifyReminderLead() {
        return Duration.ofSeconds(positiveLong(NOTIFY_REMINDER_LEAD_SECONDS));
    }

    public int notifyRetryMaxAttempts() {
        return (int) Math.min(100, positiveLong(NOTIFY_RETRY_MAX_ATTEMPTS));
    }

    public Duration notifyRetryBackoff() {
        return Duration.ofMillis(positiveLong(NOTIFY_RETRY_BACKOFF_MS));
    }

    /** Console base URL without a trailing slash, or null. */
    public String notifyConsoleUrl() {
        String raw = props.getProperty(NOTIFY_CONSOLE_URL);
        return raw == null || raw.isBlank() ? null : raw.trim().replaceAll("/+$", "");
    }

    public String auditCloudEventsTopic() {
        String raw = props.getProperty(AUDIT_CLOUDEVENTS_TOPIC);
        return raw == null || raw.isBlank() ? null : raw.trim();
    }

    /** Settings for Kafka clients (admin, producers, consumers): everything that is not jitmask's own. */
    public Properties clientProperties() {
        Properties out = new Properties();
        props.forEach((k, v) -> {
            String key = k.toString();
            if (!OWN_KEYS.contains(key) && !key.startsWith("jitmask.")) {
                out.setProperty(key, v.toString());
            }
        });
        out.remove(APPLICATION_ID);
        out.remove(PROCESSING_GUARANTEE);
        out.remove(COMMIT_INTERVAL_MS);
        out.remove(STATE_DIR);
        return out;
    }

    /** Settings for the Kafka Streams application. */
    public Properties streamsProperties() {
        Properties out = new Properties();
        props.forEach((k, v) -> {
            String key = k.toString();
            if (!OWN_KEYS.contains(key) && !key.startsWith("jitmask.")) {
                out.setProperty(key, v.toString());
            }
        });
        return out;
    }

    /** Raw value of any setting, for components with settings of their own. */
    public String get(String key) {
        return props.getProperty(key);
    }
}
