package io.jitmask.security;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * One ready-to-use Kafka client properties file per principal under {@code <data dir>/credentials/}, readable by
 * its owner only. A password is generated the first time a principal is seen and read back from its file on every
 * later start, so a restart keeps every credential; the files are rewritten each start with the current bootstrap
 * address.
 */
public final class CredentialFiles {
    public static final String DIR = "credentials";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    private CredentialFiles(Path dir) {
        this.dir = dir;
    }

    /** Opens (and creates, mode 0700) the credentials directory of a data dir. */
    public static CredentialFiles in(Path dataDir) {
        Path dir = dataDir.resolve(DIR);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return new CredentialFiles(dir);
    }

    public Path file(String principal) {
        return dir.resolve(principal + ".properties");
    }

    /** The principal's password: the one in its file, or a new random one (the file is written by {@link #write}). */
    public String password(String principal) {
        Path file = file(principal);
        if (Files.exists(file)) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                props.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            String password = SaslSettings.passwordOf(props.getProperty(SaslConfigs.SASL_JAAS_CONFIG));
            if (password != null && !password.isEmpty()) {
                return password;
            }
        }
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The broker's certificate, which clients trust (public: mode 0644); rewritten on every start. */
    public Path writeCertificate(String pem) {
        Path target = dir.resolve("broker-certificate.pem").toAbsolutePath();
        try {
            Path tmp = Files.createTempFile(dir, ".broker-certificate", ".tmp");
            Files.writeString(tmp, pem);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /**
     * Writes the principal's client settings, mode 0600 from the first byte (written to a private temporary file,
     * then moved into place).
     */
    public Path write(String principal, String bootstrapServers, Map<String, String> saslSettings, String comment) {
        Path target = file(principal);
        try {
            Path tmp = Files.createTempFile(dir, "." + principal, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer out = Files.newBufferedWriter(tmp)) {
                out.write("# " + comment + "\n");
                out.write("# Secret: anyone who reads this file can act as User:" + principal + ".\n");
                out.write(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG + "=" + bootstrapServers + "\n");
                for (Map.Entry<String, String> e : saslSettings.entrySet()) {
                    out.write(e.getKey() + "=" + e.getValue() + "\n");
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
