package io.jitmask.security;

import static io.jitmask.security.PipelineAcls.binding;
import static io.jitmask.security.PipelineAcls.topicLiteral;
import static io.jitmask.security.PipelineAcls.topicPrefix;

import io.jitmask.config.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The principals {@code jitmask up --secure} creates, and what each may do. Grantees get nothing on grant topics
 * here: jitmask adds (and removes) their READ per grant.
 */
public final class DemoPrincipals {
    /** Super user for the broker itself (controller and inter-broker traffic) and for operators. */
    public static final String ADMIN = "admin";
    /** The pipeline and the embedded schema registry. */
    public static final String JITMASK = "jitmask";
    public static final String PRODUCER = "producer";
    /** Reads masked topics, never raw or grant topics. */
    public static final String ANALYST = "analyst";
    /** Group prefix of {@code jitmask consume}'s consumer groups. */
    public static final String CONSUME_GROUP_PREFIX = "jitmask-consume-";

    public enum Role {
        ADMIN("super user: broker, controller, operators (kafka-acls.sh)"),
        PIPELINE("jitmask itself: reads raw.*, writes masked.*, grant.*, jit.*"),
        PRODUCER("writes raw.*"),
        MASKED_CONSUMER("reads masked.*"),
        REQUESTER("posts signed requests and revokes to jit.approvals; reads the grant topics granted to it"),
        APPROVER("reads and posts signed approvals on jit.approvals"),
        AUDITOR("posts to and reads jit.approvals, reads jit.grants and jit.audit");

        private final String description;

        Role(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    public record Principal(String name, Role role) {
        public String kafkaPrincipal() {
            return "User:" + name;
        }

        public String mechanism() {
            return role == Role.ADMIN ? SaslSettings.PLAIN : SaslSettings.SCRAM;
        }
    }

    /** Every principal, the demo keyring's actors under their keyring principals ({@code User:<actor>}). */
    public static final List<Principal> ALL = List.of(
            new Principal(ADMIN, Role.ADMIN),
            new Principal(JITMASK, Role.PIPELINE),
            new Principal(PRODUCER, Role.PRODUCER),
            new Principal(ANALYST, Role.MASKED_CONSUMER),
            new Principal("alice", Role.REQUESTER),
            new Principal("dave", Role.REQUESTER),
            new Principal("bob", Role.APPROVER),
            new Principal("carol", Role.APPROVER),
            new Principal("erin", Role.AUDITOR));

    private DemoPrincipals() {
    }

    /** The ACLs of every principal but the super user, for a pipeline with this {@code application.id}. */
    public static List<AclBinding> acls(String applicationId) {
        List<AclBinding> acls = new ArrayList<>();
        for (Principal p : ALL) {
            acls.addAll(acls(p, applicationId));
        }
        return acls;
    }

    static List<AclBinding> acls(Principal p, String applicationId) {
        String who = p.kafkaPrincipal();
        List<AclBinding> acls = new ArrayList<>();
        switch (p.role()) {
            case ADMIN -> {
            }
            case PIPELINE -> {
                acls.addAll(PipelineAcls.forPipeline(who, applicationId));
                // The embedded schema registry runs as jitmask and keeps its schemas in _schemas.
                topicLiteral(acls, who, Topics.SCHEMAS, AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE);
            }
            case PRODUCER -> topicPrefix(acls, who, Topics.RAW_PREFIX, AclOperation.WRITE);
            case MASKED_CONSUMER -> {
                topicPrefix(acls, who, Topics.MASKED_PREFIX, AclOperation.READ);
                consumeGroups(acls, who);
            }
            case REQUESTER -> {
                topicLiteral(acls, who, Topics.APPROVALS, AclOperation.WRITE);
                consumeGroups(acls, who);
            }
            case APPROVER -> topicLiteral(acls, who, Topics.APPROVALS, AclOperation.READ, AclOperation.WRITE);
            case AUDITOR -> {
                topicLiteral(acls, who, Topics.APPROVALS, AclOperation.READ, AclOperation.WRITE);
                topicLiteral(acls, who, Topics.GRANTS, AclOperation.READ);
                topicLiteral(acls, who, Topics.AUDIT, AclOperation.READ);
            }
            default -> throw new IllegalStateException("unknown role " + p.role());
        }
        return acls;
    }

    private static void consumeGroups(List<AclBinding> acls, String who) {
        acls.add(binding(ResourceType.GROUP, CONSUME_GROUP_PREFIX, PatternType.PREFIXED, who, AclOperation.READ));
    }
}
