package io.jitmask.security;

import io.jitmask.config.JitmaskConfig;
import io.jitmask.config.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Every ACL the jitmask pipeline's own principal needs on a cluster that denies what no ACL allows, and nothing
 * more. {@code deploy/acls.md} lists the same bindings as {@code kafka-acls.sh} commands (a test keeps them equal).
 *
 * <p>The topics jitmask provisions at start ({@code raw.*}, {@code masked.*}, {@code jit.*}) are expected to exist:
 * create them as an operator, or add CREATE on them ({@link #topicCreation}).
 */
public final class PipelineAcls {
    private PipelineAcls() {
    }

    /** The pipeline's ACLs for a Kafka Streams {@code application.id}, without the audit export. */
    public static List<AclBinding> forPipeline(String principal, String applicationId) {
        return forPipeline(principal, applicationId, null);
    }

    /**
     * The pipeline's ACLs for a Kafka Streams {@code application.id}; with {@code auditExportTopic}
     * ({@code jitmask.audit.cloudevents.topic}, null when not configured) also WRITE on that topic, which the control
     * plane's audit-export sub-topology writes every audit event to.
     */
    public static List<AclBinding> forPipeline(String principal, String applicationId, String auditExportTopic) {
        List<AclBinding> acls = new ArrayList<>();
        // Only jitmask reads raw values; approvals are its input.
        topicPrefix(acls, principal, Topics.RAW_PREFIX, AclOperation.READ);
        topicLiteral(acls, principal, Topics.APPROVALS, AclOperation.READ);
        // Masked output, grant copies, the grant table (also read back as the global store), audit and DLQ.
        topicPrefix(acls, principal, Topics.MASKED_PREFIX, AclOperation.WRITE);
        topicLiteral(acls, principal, Topics.GRANTS, AclOperation.READ, AclOperation.WRITE);
        // The classification of every dataset: written by the masking path, read back by every instance.
        topicLiteral(acls, principal, Topics.CLASSIFICATION, AclOperation.READ, AclOperation.WRITE);
        topicLiteral(acls, principal, Topics.AUDIT, AclOperation.WRITE);
        topicLiteral(acls, principal, Topics.DLQ, AclOperation.WRITE);
        // Grant topics: created, written, counted for the disclosure summary and deleted by jitmask only.
        topicPrefix(acls, principal, Topics.GRANT_PREFIX, AclOperation.CREATE, AclOperation.WRITE, AclOperation.READ,
                AclOperation.DELETE);
        // Kafka Streams: internal topics (changelogs), the consumer groups and transactional ids of exactly_once_v2,
        // for masking (application.id) and the control plane (application.id-control, whose internal topics and
        // transactional ids fall under the same prefix).
        topicPrefix(acls, principal, applicationId + "-", AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE,
                AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS);
        acls.add(binding(ResourceType.GROUP, applicationId, PatternType.LITERAL, principal, AclOperation.READ));
        acls.add(binding(ResourceType.GROUP, applicationId + JitmaskConfig.CONTROL_SUFFIX, PatternType.LITERAL, principal,
                AclOperation.READ));
        // Notifications (when a webhook is configured): the notifier's own consumer group over jit.audit and jit.grants.
        acls.add(binding(ResourceType.GROUP, applicationId + "-notify", PatternType.LITERAL, principal, AclOperation.READ));
        acls.add(binding(ResourceType.TRANSACTIONAL_ID, applicationId + "-", PatternType.PREFIXED, principal,
                AclOperation.WRITE));
        // Grant side effects: commands written by the lifecycle and read by the workers; results written by the
        // workers and the masking path, read by the lifecycle. The workers' own consumer group.
        topicLiteral(acls, principal, Topics.GRANT_COMMANDS, AclOperation.READ, AclOperation.WRITE);
        topicLiteral(acls, principal, Topics.GRANT_RESULTS, AclOperation.READ, AclOperation.WRITE);
        acls.add(binding(ResourceType.GROUP, applicationId + "-grant-workers", PatternType.LITERAL, principal,
                AclOperation.READ));
        // Adding and removing the grantee's READ ACL on each grant topic.
        acls.add(binding(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, principal, AclOperation.ALTER));
        // The HTTP API and console in the same process: audit tail, masked previews, signed events of its users.
        topicLiteral(acls, principal, Topics.AUDIT, AclOperation.READ);
        topicPrefix(acls, principal, Topics.MASKED_PREFIX, AclOperation.READ);
        topicLiteral(acls, principal, Topics.APPROVALS, AclOperation.WRITE);
        // Passkeys: registered and removed through the API, read whole by the lifecycle (global store).
        topicLiteral(acls, principal, Topics.CREDENTIALS, AclOperation.READ, AclOperation.WRITE);
        if (auditExportTopic != null) {
            acls.addAll(auditExport(principal, auditExportTopic));
        }
        return acls;
    }

    /** WRITE on the audit export topic ({@code jitmask.audit.cloudevents.topic}). */
    public static List<AclBinding> auditExport(String principal, String auditExportTopic) {
        List<AclBinding> acls = new ArrayList<>();
        topicLiteral(acls, principal, auditExportTopic, AclOperation.WRITE);
        return acls;
    }

    /** CREATE on the topics jitmask provisions at start, for clusters where it should create them itself. */
    public static List<AclBinding> topicCreation(String principal) {
        return topicCreation(principal, null);
    }

    /** CREATE on the topics jitmask provisions at start, the audit export topic included when configured. */
    public static List<AclBinding> topicCreation(String principal, String auditExportTopic) {
        List<AclBinding> acls = new ArrayList<>();
        topicPrefix(acls, principal, Topics.RAW_PREFIX, AclOperation.CREATE);
        topicPrefix(acls, principal, Topics.MASKED_PREFIX, AclOperation.CREATE);
        for (String topic : List.of(Topics.APPROVALS, Topics.GRANTS, Topics.CLASSIFICATION, Topics.AUDIT, Topics.DLQ,
                Topics.GRANT_COMMANDS, Topics.GRANT_RESULTS, Topics.CREDENTIALS)) {
            topicLiteral(acls, principal, topic, AclOperation.CREATE);
        }
        if (auditExportTopic != null) {
            topicLiteral(acls, principal, auditExportTopic, AclOperation.CREATE);
        }
        return acls;
    }

    static void topicPrefix(List<AclBinding> acls, String principal, String prefix, AclOperation... operations) {
        for (AclOperation op : operations) {
            acls.add(binding(ResourceType.TOPIC, prefix, PatternType.PREFIXED, principal, op));
        }
    }

    static void topicLiteral(List<AclBinding> acls, String principal, String topic, AclOperation... operations) {
        for (AclOperation op : operations) {
            acls.add(binding(ResourceType.TOPIC, topic, PatternType.LITERAL, principal, op));
        }
    }

    static AclBinding binding(ResourceType type, String name, PatternType pattern, String principal, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }
}
