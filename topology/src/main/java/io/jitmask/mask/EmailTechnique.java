package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.crypto.Mac;
import org.apache.avro.Schema;

/**
 * Keeps an e-mail address's domain and replaces its local part by a keyed token ({@code <keyId>.<hex>}), so the
 * result is still a well-formed address, equal addresses stay equal, and mail statistics per domain still work.
 * The local part is lower-cased before hashing ({@code Ada@x} and {@code ada@x} are one person). Without an
 * {@code @}, the whole value is tokenized.
 */
final class EmailTechnique implements Technique {
    @Override
    public FieldMasker compile(Schema leaf, Options options, Keyset keyset) {
        int length = options.integer("length", 16, 8, 64);
        if (!Technique.isText(leaf)) {
            throw Technique.unsupported(options, leaf);
        }
        Keyset.Key key = keyset.primary();
        ThreadLocal<Mac> mac = ThreadLocal.withInitial(() -> key.mac(HmacTokenTechnique.PURPOSE));
        return (value, root) -> {
            String email = value.toString();
            int at = email.lastIndexOf('@');
            String local = at < 0 ? email : email.substring(0, at);
            String domain = at < 0 ? "invalid" : email.substring(at + 1);
            byte[] digest = mac.get().doFinal(local.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return key.id() + "." + HmacTokenTechnique.token(digest, "hex", length) + "@" + domain;
        };
    }
}
