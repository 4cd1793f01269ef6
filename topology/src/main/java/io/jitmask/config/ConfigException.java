package io.jitmask.config;

/** Configuration that cannot be used. The message names the setting and what is wrong; start-up stops. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
