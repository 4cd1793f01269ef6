package io.jitmask.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * Kafka client settings for a SASL principal. Passwords are generated from a URL-safe alphabet, so they need no
 * escaping inside a JAAS string.
 */
public final class SaslSettings {
    public static final String SCRAM = "SCRAM-SHA-512";
    public static final String PLAIN = "PLAIN";

    private static final Pattern PASSWORD = Pattern.compile("password=\"([^\"]*)\"");
    private static final Pattern USERNAME = Pattern.compile("username=\"([^\"]*)\"");

    private SaslSettings() {
    }

    /** security.protocol, sasl.mechanism and sasl.jaas.config for {@code user}. */
    public static Map<String, String> client(SecurityProtocol protocol, String mechanism, String user, String password) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.name);
        settings.put(SaslConfigs.SASL_MECHANISM, mechanism);
        settings.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(mechanism, user, password));
        return settings;
    }

    public static String jaas(String mechanism, String user, String password) {
        String module = PLAIN.equals(mechanism)
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /** The password inside a JAAS string written by {@link #jaas}, or null. */
    static String passwordOf(String jaas) {
        return group(PASSWORD, jaas);
    }

    /** The user name inside a JAAS string, or null. */
    public static String userOf(String jaas) {
        return group(USERNAME, jaas);
    }

    private static String group(Pattern pattern, String jaas) {
        if (jaas == null) {
            return null;
        }
        Matcher m = pattern.matcher(jaas);
        return m.find() ? m.group(1) : null;
    }
}
