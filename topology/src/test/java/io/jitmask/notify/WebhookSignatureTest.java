package io.jitmask.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jitmask.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookSignatureTest {
    /** The published Standard Webhooks test vector: a receiver's library must accept what we send. */
    @Test
    void reproducesTheStandardWebhooksVector(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n");
        WebhookSignature signature = WebhookSignature.load(file);
        byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

        assertThat(signature.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, body))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assertThat(signature.verify("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, body,
                "v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")).isTrue();
        assertThat(signature.verify("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331L, body,
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")).isFalse();
    }

    @Test
    void refusesShortOrMalformedSecretsWithoutEchoingThem(@TempDir Path dir) throws Exception {
        Path shortOne = Files.writeString(dir.resolve("short"), "whsec_c2hvcnQ=");
        assertThatThrownBy(() -> WebhookSignature.load(shortOne)).isInstanceOf(ConfigException.class)
                .hasMessage("the webhook secret must be at least 24 bytes (192 bits), got 5");
        Path bad = Files.writeString(dir.resolve("bad"), "whsec_not*base64*at*all");
        assertThatThrownBy(() -> WebhookSignature.load(bad)).isInstanceOf(ConfigException.class)
                .hasMessage("the webhook secret in " + bad + " is not whsec_<base64>");
        assertThatThrownBy(() -> WebhookSignature.load(dir.resolve("absent"))).isInstanceOf(ConfigException.class)
                .hasMessage("cannot read the webhook secret file " + dir.resolve("absent") + " (NoSuchFileException)");
    }
}
