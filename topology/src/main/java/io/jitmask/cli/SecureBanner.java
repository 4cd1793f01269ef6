package io.jitmask.cli;

import io.jitmask.security.DemoPrincipals;
import io.jitmask.security.DemoPrincipals.Principal;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/** What {@code jitmask up --secure} prints: who is who, and how to act as each. Never a password. */
final class SecureBanner {
    private SecureBanner() {
    }

    static void print(PrintWriter out, Map<String, Path> credentials, String registryUrl) {
        Path any = credentials.values().iterator().next();
        Path dir = relative(any.getParent());
        out.println("secured: TLS, SASL/SCRAM-SHA-512 logins, ACLs enforced (nothing is allowed without an ACL)");
        out.println("  principal   role");
        for (Principal p : DemoPrincipals.ALL) {
            if (credentials.containsKey(p.name())) {
                out.printf("  %-11s %s%n", p.name(), p.role().description());
            }
        }
        out.println("  each principal's client settings (with its password; mode 0600): " + dir + "/<principal>.properties");
        out.println("  they trust the broker's self-signed certificate, renewed at each start: " + dir + "/broker-certificate.pem");
        out.println();
        out.println("try, in another terminal (--command-config works with every command, and with Kafka's own tools):");
        // The bootstrap address is in the files; the registry is not Kafka, so a non-default one is named.
        String r = "http://localhost:8081".equals(registryUrl) ? "" : " --registry-url " + registryUrl;
        String c = " --command-config " + dir + "/";
        Path keys = dir.resolveSibling("demo-keys");
        out.println("  ./jitmask produce --dataset customers --count 10" + r + c + "producer.properties");
        out.println("  ./jitmask consume --topic masked.customers --max 10" + r + c + "analyst.properties");
        out.println("  ./jitmask consume --topic raw.customers" + r + c + "analyst.properties        # refused: not authorized");
        out.println("  ./jitmask request --actor alice --key " + keys + "/alice.key --dataset customers --fields email,name --justification \"INC-1 why\"" + c + "alice.properties");
        out.println("  ./jitmask approve --request ID --actor bob --key " + keys + "/bob.key" + c + "bob.properties");
        out.println("  ./jitmask consume --grant ID --dataset customers" + r + c + "alice.properties   # dave is refused");
        out.println("  ./jitmask audit --request ID" + c + "erin.properties");
    }

    private static Path relative(Path dir) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = dir.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs) : abs;
    }
}
