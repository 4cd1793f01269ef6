package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.crypto.Mac;
import org.apache.avro.Schema;

/**
 * Keeps an e-mail address's domain and replaces its local part by a keyed token ({@code <keyId>.<hex>}), so the
 * result is still a well-formed address, equal addresses stay equal, and mail statistics per domain still work.
 * The token is an HMAC of the whole lower-cased address ({@code Ada@X.org} and {@code ada@x.org} are one person),
 * under a key of its own: the same local part at two domains gives two unrelated tokens, and no token equals the
 * {@code hmac} technique's token of some other field. Without an {@code @}, the domain becomes {@code invalid}.
 */
final class EmailTechnique implements Technique {
    static final String PURPOSE = "jitmask/email/v1";

    @Override
    public FieldMasker compile(Schema leaf, Options options, Keyset keyset) {
        int length = options.integer("length", 16, 8, 64);
        if (!Technique.isText(leaf)) {
            throw Technique.unsupported(options, leaf);
        }
        Keyset.Key key = keyset.primary();
        ThreadLocal<Mac> mac = ThreadLocal.withInitial(() -> key.mac(PURPOSE));
        return (value, root) -> {
            String email = value.toString();
            int at = email.lastIndexOf('@');
            String domain = at < 0 ? "invalid" : email.substring(at + 1);
            byte[] digest = mac.get().doFinal(email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return key.id() + "." + HmacTokenTechnique.token(digest, "hex", length) + "@" + domain;
        };
    }
}
