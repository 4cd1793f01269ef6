package io.jitmask.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;

/** ACL bindings as {@code kafka-acls.sh --add} commands, one per resource, for operators to review and run. */
public final class KafkaAclsScript {
    private KafkaAclsScript() {
    }

    public static List<String> commands(List<AclBinding> acls) {
        Map<String, List<AclBinding>> byResource = new LinkedHashMap<>();
        for (AclBinding acl : acls) {
            String key = acl.entry().principal() + " " + acl.pattern();
            byResource.computeIfAbsent(key, k -> new ArrayList<>()).add(acl);
        }
        List<String> commands = new ArrayList<>();
        for (List<AclBinding> group : byResource.values()) {
            AclBinding first = group.get(0);
            StringBuilder line = new StringBuilder("kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --command-config \"$ADMIN_CONFIG\" --add")
                    .append(" --allow-principal ").append(first.entry().principal());
            for (AclBinding acl : group) {
                line.append(" --operation ").append(name(acl.entry().operation()));
            }
            line.append(' ').append(resource(first.pattern()));
            commands.add(line.toString());
        }
        return commands;
    }

    private static String resource(ResourcePattern pattern) {
        String option = switch (pattern.resourceType()) {
            case TOPIC -> "--topic " + pattern.name();
            case GROUP -> "--group " + pattern.name();
            case TRANSACTIONAL_ID -> "--transactional-id " + pattern.name();
            case CLUSTER -> "--cluster";
            default -> throw new IllegalArgumentException("no kafka-acls.sh option for " + pattern.resourceType());
        };
        return pattern.patternType() == PatternType.PREFIXED ? option + " --resource-pattern-type prefixed" : option;
    }

    /** READ -> Read, DESCRIBE_CONFIGS -> DescribeConfigs: the names kafka-acls.sh takes. */
    private static String name(AclOperation operation) {
        StringBuilder out = new StringBuilder();
        for (String part : operation.name().split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }
}
