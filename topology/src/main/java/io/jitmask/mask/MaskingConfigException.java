package io.jitmask.mask;

import io.jitmask.config.ConfigException;

/** A technique cannot be applied as configured (unknown option, wrong type, domain too small...). */
public class MaskingConfigException extends ConfigException {
    public MaskingConfigException(String message) {
        super(message);
    }
}
