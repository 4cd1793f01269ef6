package io.jitmask.http;

import static io.jitmask.http.ApiFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.jitmask.approval.ApprovalEvents;
import io.jitmask.testing.AuditTrail;
import io.jitmask.testing.JitmaskStack;
import io.jitmask.approval.CanonicalJson;
import io.jitmask.approval.Ed25519;
import io.jitmask.approval.Keyring;
import io.jitmask.config.Topics;
import io.jitmask.serde.RecordJson;
import io.jitmask.testing.DemoActors;
import io.jitmask.testing.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP API on a real broker with the real application: every route with its exact JSON, 401 and 403, the
 * request, approve, active, revoke flow, and the audit trail as the API shows it against the topic itself.
 */
class HttpApiIT {
    @RegisterExtension
    static final JitmaskStack STACK = ApiFixture.stack("api");
    static ApiFixture api;
    static final Keyring KEYRING = Keyring.load(DemoActors.KEYRING);

    @BeforeAll
    static void start() throws Exception {
        // dave has no server-side key: he signs his own events.
        api = new ApiFixture(STACK, List.of("alice", "bob", "carol", "erin"));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static String newId() {
        return "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static ApiFixture.Answer call(String method, String path, String actor, Object body) throws Exception {
        return api.call(method, path, actor, body);
    }

    static JsonNode error(int code, String message) {
        return ApiFixture.JSON.createObjectNode().put("error", message).put("code", code);
    }

    static JsonNode awaitRequest(String id, String status) {
        return awaitRequestAnswer(id, status).json();
    }

    static ApiFixture.Answer awaitRequestAnswer(String id, String status) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> call("GET", "/api/requests/" + id, "bob", null),
                        a -> a.status() == 200 && status.equals(a.json().path("status").asText()));
    }

    /** A revoked grant is ENDING until its topic is gone (and may then be kept as ended). */
    static JsonNode awaitEnded(String id) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> call("GET", "/api/requests/" + id, "bob", null),
                        a -> a.status() == 200 && a.json().path("status").asText().startsWith("END")).json();
    }

    static List<JsonNode> auditOnTopic(String requestId) {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : AuditTrail.shared().records(requestId)) {
            try {
                out.add(ApiFixture.JSON.readTree(r.value()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    static List<String> ids(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path("requestId").asText()).toList();
    }

    /** The grant of request {@code id} in a {@code /api/grants} answer. */
    static JsonNode grantOf(JsonNode answer, String id) {
        return answer.get("grants").get(ids(answer.get("grants")).indexOf(id));
    }

    @Test
    void callsWithoutAValidBearerTokenAre401AndNeverEchoTheToken() throws Exception {
        JsonNode unauthorized = error(401, "a valid bearer token is required");
        for (String path : List.of("/api/requests", "/api/grants", "/api/audit", "/api/me", "/api/nothing-here")) {
            ApiFixture.Answer none = call("GET", path, null, null);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.json()).isEqualTo(unauthorized);
            assertThat(none.raw().headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"jitmask\"");
        }
        ApiFixture.Answer wrong = api.callWithToken("GET", "/api/me", "not-a-token-of-anyone", null);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json()).isEqualTo(unauthorized);
        assertThat(wrong.raw().body()).doesNotContain("not-a-token-of-anyone");
        // A valid token with another scheme, or with a character changed, is no token.
        String bob = api.tokens.get("bob");
        var basic = api.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.api.url() + "/api/me"))
                .header("Authorization", "Basic " + bob).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(basic.statusCode()).isEqualTo(401);
        assertThat(api.callWithToken("GET", "/api/me", bob.substring(0, bob.length() - 1) + "x", null).status()).isEqualTo(401);
        ApiFixture.Answer post = api.callWithToken("POST", "/api/requests", "nope", Map.of("dataset", api.dataset));
        assertThat(post.status()).isEqualTo(401);
    }

    @Test
    void meNamesTheActorOfTheToken() throws Exception {
        assertThat(call("GET", "/api/me", "bob", null).json()).isEqualTo(json(
                "{'actor':'bob','principal':'User:bob','roles':['clinical-lead','privacy-officer','security-officer'],'reviewer':true}"));
        assertThat(call("GET", "/api/me", "dave", null).json()).isEqualTo(json(
                "{'actor':'dave','principal':'User:dave','roles':['requester'],'reviewer':false}"));
        assertThat(call("GET", "/api/me", "erin", null).json()).isEqualTo(json(
                "{'actor':'erin','principal':'User:erin','roles':['admin'],'reviewer':true}"));
    }

    @Test
    void datasetsListTheirSensitiveFieldsAndWhatARequestNeeds() throws Exception {
        String pii = "'requestable':true,'approvers':1,'maxDurationSeconds':14400,'roles':['privacy-officer','data-owner']";
        ApiFixture.Answer answer = call("GET", "/api/datasets", "dave", null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json()).isEqualTo(json("{'datasets':[{'name':'" + api.dataset + "','fields':["
                + "{'path':'address.postalCode','tags':['PII']," + pii + "},"
                + "{'path':'address.street','tags':['PII']," + pii + "},"
                + "{'path':'bio','tags':['FREE_TEXT'],'requestable':false},"
                + "{'path':'dateOfBirth','tags':['DOB','PII']," + pii + "},"
                + "{'path':'email','tags':['EMAIL','PII']," + pii + "},"
                + "{'path':'name','tags':['PII']," + pii + "},"
                + "{'path':'nationalId','tags':['NATIONAL_ID','PII']," + pii + "},"
                + "{'path':'phone','tags':['PHONE','PII']," + pii + "}]}]}"));
    }

    @Test
    void aLiveGrantIsExtendedThroughTheApiByItsRequesterAndDecidedByAReviewer() throws Exception {
        String id = newId();
        assertThat(call("POST", "/api/requests", "alice", Map.of("requestId", id, "dataset", api.dataset,
                "fields", List.of("email"), "justification", "INC-8 refund dispute", "durationSeconds", 600)).status())
                .isEqualTo(202);
        awaitRequest(id, "PENDING");
        assertThat(call("POST", "/api/requests/" + id + "/extend", "alice",
                Map.of("extendSeconds", 300, "justification", "INC-8 still open")).json())
                .isEqualTo(error(409, "request " + id + " is PENDING; only a live grant can be extended"));
        assertThat(call("POST", "/api/requests/" + id + "/approve", "bob", Map.of("comment", "ok")).status()).isEqualTo(202);
        JsonNode active = awaitRequest(id, "ACTIVE");
        Instant expiresAt = Instant.parse(active.get("expiresAt").asText());

        // Only the requester asks, with a positive number of seconds; then one extension waits at a time.
        assertThat(call("POST", "/api/requests/" + id + "/extend", "bob",
                Map.of("extendSeconds", 300, "justification", "x")).json())
                .isEqualTo(error(403, "only the requester alice may extend request " + id));
        assertThat(call("POST", "/api/requests/" + id + "/extend", "alice", Map.of("justification", "INC-8 still open")).json())
                .isEqualTo(error(400, "'extendSeconds' is required (a positive whole number)"));
        ApiFixture.Answer asked = call("POST", "/api/requests/" + id + "/extend", "alice",
                Map.of("extendSeconds", 300, "justification", "INC-8 still open"));
        assertThat(asked.status()).isEqualTo(202);
        String extensionId = asked.json().get("extensionId").asText();
        assertThat(asked.json()).isEqualTo(json("{'requestId':'" + id + "','posted':'EXTEND_REQUESTED','actor':'alice',"
                + "'extensionId':'" + extensionId + "'}"));
        JsonNode waiting = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> call("GET", "/api/requests/" + id, "bob", null).json(), r -> r.get("extensions").size() == 1);
        assertThat(waiting.at("/extensions/0/status").asText()).isEqualTo("PENDING");
        assertThat(waiting.at("/extensions/0/extendSeconds").asLong()).isEqualTo(300);
        assertThat(call("POST", "/api/requests/" + id + "/extend", "alice",
                Map.of("extendSeconds", 60, "justification", "INC-8 again")).json())
                .isEqualTo(error(409, "extension " + extensionId + " of request " + id + " is still waiting for a decision"));
        assertThat(call("POST", "/api/requests/" + id + "/approve", "alice", Map.of("comment", "ok")).json())
                .isEqualTo(error(403, "the requester cannot approve their own request"));

        // A reviewer's approve decides the waiting extension: the grant lives 300 s longer.
        assertThat(call("POST", "/api/requests/" + id + "/approve", "carol", Map.of("comment", "fine")).status())
                .isEqualTo(202);
        JsonNode extended = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> call("GET", "/api/requests/" + id, "bob", null).json(),
                        r -> "APPROVED".equals(r.at("/extensions/0/status").asText()));
        assertThat(Instant.parse(extended.get("expiresAt").asText())).isEqualTo(expiresAt.plusSeconds(300));
        assertThat(extended.at("/extensions/0/approvals/0/actor").asText()).isEqualTo("carol");
        JsonNode trail = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> call("GET", "/api/audit?requestId=" + id, "bob", null).json().get("events"),
                        events -> events.size() >= 6);
        assertThat(StreamSupport.stream(trail.spliterator(), false).map(e -> e.get("type").asText()).toList())
                .containsExactly("REQUESTED", "APPROVED", "ACTIVATED", "EXTEND_REQUESTED", "EXTEND_APPROVED",
                        "GRANT_EXTENDED");
        assertThat(call("POST", "/api/requests/" + id + "/revoke", "alice", Map.of("reason", "done")).status())
                .isEqualTo(202);
    }

    @Test
    void requestApproveActiveRevokeGoneThroughTheApiWithItsAuditTrail() throws Exception {
        api.produceCustomer("C1");
        api.produceCustomer("C2");
        List<ConsumerRecord<byte[], byte[]>> masked = TopicReader.readAtLeast(Topics.masked(api.dataset), 2, Duration.ofSeconds(30));
        String id = newId();

        ApiFixture.Answer created = call("POST", "/api/requests", "alice", Map.of("requestId", id, "dataset", api.dataset,
                "fields", List.of("email", "name"), "keys", List.of("C1"), "justification", "INC-7 refund dispute",
                "durationSeconds", 600));
        assertThat(created.status()).isEqualTo(202);
        assertThat(created.json()).isEqualTo(json("{'requestId':'" + id + "','posted':'REQUESTED','actor':'alice'}"));

        // Pending, as an approver sees it: what it reveals, signed by alice, with masked sample records.
        ObjectNode detail = (ObjectNode) awaitRequest(id, "PENDING");
        ObjectNode event = (ObjectNode) detail.remove("requestEvent");
        assertThat(Ed25519.verify(event, KEYRING.actor("alice").orElseThrow().publicKey())).isTrue();
        assertThat(detail.remove("digest").asText()).isEqualTo(CanonicalJson.digest(event));
        JsonNode preview = detail.remove("preview");
        String requestedAt = event.get("at").asText();
        ObjectNode expected = (ObjectNode) json("{'requestId':'" + id + "','status':'PENDING','requester':'alice',"
                + "'grantee':'User:alice','dataset':'" + api.dataset + "','fields':['email','name'],'filter':{'keys':['C1']},"
                + "'justification':'INC-7 refund dispute','durationSeconds':600,'requestedAt':'" + requestedAt + "',"
                + "'approvalsNeeded':1,'sensitivity':'MEDIUM','requiresPasskey':false,'approverRoles':{'PII':['privacy-officer','data-owner']},"
                + "'approvals':[],'extensions':[]}");
        assertThat(detail).isEqualTo(expected);
        RecordJson recordJson = new RecordJson(api.registry);
        Set<JsonNode> onMaskedTopic = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : masked) {
            onMaskedTopic.add(ApiFixture.JSON.readTree(recordJson.line(Topics.masked(api.dataset), r)));
        }
        assertThat(preview).hasSize(2);
        assertThat(new HashSet<>(StreamSupport.stream(preview.spliterator(), false).toList())).isEqualTo(onMaskedTopic);
        for (JsonNode record : preview) {
            String key = record.get("key").asText();
            assertThat(record.at("/value/email").asText()).isNotEqualTo(ApiFixture.customer(key).get("email").toString());
            assertThat(record.at("/value/nationalId").asText()).isEqualTo("REDACTED");
        }

        ObjectNode listed = expected.deepCopy();
        listed.set("preview", preview);
        ApiFixture.Answer pending = call("GET", "/api/requests?status=PENDING", "bob", null);
        assertThat(pending.json().get("requests")).filteredOn(r -> r.get("requestId").asText().equals(id)).containsExactly(listed);
        // A requester who is not a reviewer sees neither the request nor its details.
        assertThat(ids(call("GET", "/api/requests", "dave", null).json().get("requests"))).doesNotContain(id);
        assertThat(call("GET", "/api/requests/" + id, "dave", null).json()).isEqualTo(error(403, "dave may not read request " + id));
        assertThat(ids(call("GET", "/api/requests", "alice", null).json().get("requests"))).contains(id);

        // Decisions: refused early with the lifecycle's own rules, then approved with a comment.
        assertThat(call("POST", "/api/requests/" + id + "/approve", "dave", Map.of("comment", "ok")).json()).isEqualTo(error(403,
                "dave lacks a role to approve this request (needs one of each of {PII=[privacy-officer, data-owner]})"));
        assertThat(call("POST", "/api/requests/" + id + "/approve", "alice", Map.of("comment", "ok")).json())
                .isEqualTo(error(403, "the requester cannot approve their own request"));
        assertThat(call("POST", "/api/requests/" + id + "/approve", "bob", Map.of()).json())
                .isEqualTo(error(400, "'comment' is required (a non-empty string)"));
        assertThat(call("POST", "/api/requests/nosuchrequest/approve", "bob", Map.of("comment", "x")).json())
                .isEqualTo(error(404, "no request 'nosuchrequest'"));
        ApiFixture.Answer approved = call("POST", "/api/requests/" + id + "/approve", "bob", Map.of("comment", "ticket checked"));
        assertThat(approved.status()).isEqualTo(202);
        assertThat(approved.json()).isEqualTo(json("{'requestId':'" + id + "','posted':'APPROVED','actor':'bob'}"));

        ApiFixture.Answer activeAnswer = awaitRequestAnswer(id, "ACTIVE");
        JsonNode active = activeAnswer.json();
        assertThat(active.get("approvals")).hasSize(1);
        assertThat(active.at("/approvals/0/actor").asText()).isEqualTo("bob");
        assertThat(active.at("/approvals/0/comment").asText()).isEqualTo("ticket checked");
        assertThat(active.at("/approvals/0/auto").asBoolean()).isFalse();
        Instant activatedAt = Instant.parse(active.get("activatedAt").asText());
        Instant expiresAt = Instant.parse(active.get("expiresAt").asText());
        assertThat(Duration.between(activatedAt, expiresAt)).isEqualTo(Duration.ofSeconds(600));
        activeAnswer.assertSecondsLeft(active.get("secondsLeft").asLong(), expiresAt);
        assertThat(active.has("preview")).isFalse();
        assertThat(call("POST", "/api/requests/" + id + "/approve", "carol", Map.of("comment", "late")).json())
                .isEqualTo(error(409, "request " + id + " is ACTIVE, not pending"));

        // The grant appears, with its time left, to reviewers and to its grantee only.
        ApiFixture.Answer grants = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> call("GET", "/api/grants", "bob", null), a -> ids(a.json().get("grants")).contains(id));
        JsonNode grant = grantOf(grants.json(), id);
        ObjectNode grantWithoutClock = grant.deepCopy();
        grants.assertSecondsLeft(grantWithoutClock.remove("secondsLeft").asLong(), expiresAt);
        assertThat(grantWithoutClock).isEqualTo(json("{'requestId':'" + id + "','dataset':'" + api.dataset + "',"
                + "'grantee':'User:alice','fields':['email','name'],'filter':{'keys':['C1']},"
                + "'topic':'grant." + api.dataset + "." + id + "','requester':'alice','approvers':['bob'],"
                + "'justification':'INC-7 refund dispute','activatedAt':'" + active.get("activatedAt").asText() + "',"
                + "'expiresAt':'" + active.get("expiresAt").asText() + "','status':'ACTIVE'}"));
        assertThat(ids(call("GET", "/api/grants", "alice", null).json().get("grants"))).contains(id);
        assertThat(ids(call("GET", "/api/grants", "dave", null).json().get("grants"))).doesNotContain(id);

        // Revoke: dave may not, a reason is needed, bob may; then the grant is gone.
        assertThat(call("POST", "/api/requests/" + id + "/revoke", "dave", Map.of("reason", "x")).json())
                .isEqualTo(error(403, "dave is neither the requester, a reviewer nor an admin of request " + id));
        assertThat(call("POST", "/api/requests/" + id + "/revoke", "bob", Map.of("reason", " ")).json())
                .isEqualTo(error(400, "'reason' is required (a non-empty string)"));
        ApiFixture.Answer revoked = call("POST", "/api/requests/" + id + "/revoke", "bob", Map.of("reason", "done"));
        assertThat(revoked.status()).isEqualTo(202);
        assertThat(revoked.json()).isEqualTo(json("{'requestId':'" + id + "','posted':'REVOKED','actor':'bob'}"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> !ids(call("GET", "/api/grants", "bob", null).json().get("grants")).contains(id));
        JsonNode ending = awaitEnded(id);
        assertThat(ending.get("endReason").asText()).isEqualTo("REVOKED");
        ApiFixture.Answer again = call("POST", "/api/requests/" + id + "/revoke", "erin", Map.of("reason", "again"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asInt()).isEqualTo(409);
        assertThat(again.json().get("error").asText()).matches("request " + id + " is END(ING|ED), nothing to revoke");

        // The audit trail through the API is exactly the topic's, in order, and its filters select from it.
        JsonNode trail = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> call("GET", "/api/audit?requestId=" + id, "bob", null).json().get("events"),
                        events -> StreamSupport.stream(events.spliterator(), false)
                                .anyMatch(e -> e.get("type").asText().equals("TOPIC_DELETED")));
        assertThat(StreamSupport.stream(trail.spliterator(), false).map(e -> e.get("type").asText()).toList())
                .containsExactly("REQUESTED", "APPROVED", "ACTIVATED", "REVOKE_ACCEPTED", "DISCLOSURE_SUMMARY", "REVOKED",
                        "TOPIC_DELETED");
        assertThat(StreamSupport.stream(trail.spliterator(), false).toList()).isEqualTo(auditOnTopic(id));
        JsonNode approvals = call("GET", "/api/audit?requestId=" + id + "&type=APPROVED", "erin", null).json().get("events");
        assertThat(approvals).hasSize(1);
        assertThat(approvals.get(0)).isEqualTo(trail.get(1));
        assertThat(approvals.get(0).get("comment").asText()).isEqualTo("ticket checked");
        JsonNode byBob = call("GET", "/api/audit?requestId=" + id + "&actor=bob", "bob", null).json().get("events");
        assertThat(byBob).isEqualTo(ApiFixture.JSON.valueToTree(auditOnTopic(id).stream()
                .filter(e -> "bob".equals(e.path("actor").asText())).toList()));
        assertThat(call("GET", "/api/audit?requestId=" + id + "&limit=2", "bob", null).json().get("events"))
                .isEqualTo(ApiFixture.JSON.valueToTree(List.of(trail.get(5), trail.get(6))));
        // Paged: the newest page first, each page oldest first; following `next` gives the whole trail once.
        List<JsonNode> paged = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = call("GET", "/api/audit?requestId=" + id + "&limit=3" + (cursor == null ? "" : "&cursor=" + cursor),
                    "bob", null).json();
            List<JsonNode> events = StreamSupport.stream(page.get("events").spliterator(), false).toList();
            sizes.add(events.size());
            paged.addAll(0, events);
            cursor = page.hasNonNull("next") ? page.get("next").asText() : null;
        } while (cursor != null);
        assertThat(sizes).containsExactly(3, 3, 1);
        assertThat(paged).isEqualTo(StreamSupport.stream(trail.spliterator(), false).toList());
        assertThat(call("GET", "/api/audit", "alice", null).json())
                .isEqualTo(error(403, "alice may not read the audit trail (needs an approver role, admin or auditor)"));
    }

    @Test
    void requestListsArePagedNewestFirstWithEveryRequestOnce() throws Exception {
        List<String> posted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = newId();
            posted.add(0, id);
            assertThat(call("POST", "/api/requests", "alice", Map.of("requestId", id, "dataset", api.dataset,
                    "fields", List.of("phone"), "justification", "INC-12 paging " + i, "durationSeconds", 300)).status())
                    .isEqualTo(202);
            awaitRequest(id, "PENDING");
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = call("GET", "/api/requests?status=PENDING&limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                    "alice", null).json();
            assertThat(page.get("requests").size()).isBetween(1, 2);
            seen.addAll(ids(page.get("requests")));
            cursor = page.hasNonNull("next") ? page.get("next").asText() : null;
        } while (cursor != null);
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen.stream().filter(posted::contains).toList()).isEqualTo(posted);
        for (String id : posted) {
            call("POST", "/api/requests/" + id + "/revoke", "alice", Map.of("reason", "paging test done"));
        }
    }

    @Test
    void aDenialNeedsAReasonAndEndsTheRequest() throws Exception {
        String id = newId();
        assertThat(call("POST", "/api/requests", "alice", Map.of("requestId", id, "dataset", api.dataset,
                "fields", List.of("phone"), "justification", "INC-9 call back", "durationSeconds", 300)).status()).isEqualTo(202);
        awaitRequest(id, "PENDING");
        assertThat(call("POST", "/api/requests/" + id + "/deny", "carol", Map.of("comment", "no")).json())
                .isEqualTo(error(400, "'reason' is required (a non-empty string)"));
        ApiFixture.Answer denied = call("POST", "/api/requests/" + id + "/deny", "carol", Map.of("reason", "use the masked phone"));
        assertThat(denied.json()).isEqualTo(json("{'requestId':'" + id + "','posted':'DENIED','actor':'carol'}"));
        JsonNode state = awaitRequest(id, "DENIED");
        assertThat(state.get("endReason").asText()).isEqualTo("use the masked phone");
        assertThat(call("POST", "/api/requests/" + id + "/deny", "bob", Map.of("reason", "again")).json())
                .isEqualTo(error(409, "request " + id + " is DENIED, not pending"));
        assertThat(ids(call("GET", "/api/requests?status=DENIED", "erin", null).json().get("requests"))).contains(id);
        assertThat(ids(call("GET", "/api/requests?status=PENDING", "erin", null).json().get("requests"))).doesNotContain(id);
    }

    @Test
    void eventsSignedByTheCallerAreCheckedThenPostedAsTheyAre() throws Exception {
        String id = newId();
        ObjectNode own = ApprovalEvents.requested(id, "dave", Instant.now(), "User:dave", api.dataset, List.of("email"),
                null, "INC-11 support case", 120, null, DemoActors.key("dave"));
        // Without his own event, dave cannot ask: the server holds no key for him.
        assertThat(call("POST", "/api/requests", "dave", Map.of("dataset", api.dataset, "fields", List.of("email"),
                "justification", "INC-11 support case", "durationSeconds", 120)).json()).isEqualTo(error(400,
                "the server holds no signing key for dave: sign the event with your own key and post it as {\"event\": {...}}"));
        ObjectNode tampered = own.deepCopy().put("durationSeconds", 3600);
        assertThat(call("POST", "/api/requests", "dave", Map.of("event", tampered)).json())
                .isEqualTo(error(400, "the event's signature does not verify with dave's key"));
        assertThat(call("POST", "/api/requests", "alice", Map.of("event", own)).json())
                .isEqualTo(error(403, "the event's actor must be the authenticated actor alice"));
        assertThat(call("POST", "/api/requests", "dave", Map.of("event", own.deepCopy().put("type", "APPROVED"))).json())
                .isEqualTo(error(400, "'event.type' must be REQUESTED on this route"));
        ApiFixture.Answer posted = call("POST", "/api/requests", "dave", Map.of("event", own));
        assertThat(posted.json()).isEqualTo(json("{'requestId':'" + id + "','posted':'REQUESTED','actor':'dave'}"));
        // Seen by its requester: first ADMITTING (checked, waiting for the per-requester limit), then PENDING.
        JsonNode state = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> call("GET", "/api/requests/" + id, "dave", null), a -> a.status() == 200
                        && !"ADMITTING".equals(a.json().path("status").asText())).json();
        assertThat(state.get("requestEvent").toString()).isEqualTo(own.toString());
        assertThat(state.get("status").asText()).isEqualTo("PENDING");
        // An approval signed by carol herself binds to exactly dave's signed bytes.
        ObjectNode approval = ApprovalEvents.approved(own, "carol", Instant.now(), "checked", DemoActors.key("carol"));
        assertThat(call("POST", "/api/requests/" + id + "/approve", "carol",
                Map.of("event", ApprovalEvents.approved(own, "carol", Instant.now(), "x", DemoActors.key("carol")).put("requestId", "other")))
                .json()).isEqualTo(error(400, "'event.requestId' must be the request id of this route"));
        assertThat(call("POST", "/api/requests/" + id + "/approve", "carol", Map.of("event", approval)).status()).isEqualTo(202);
        assertThat(awaitRequest(id, "ACTIVE").at("/approvals/0/comment").asText()).isEqualTo("checked");
        ApiFixture.Answer revoked = call("POST", "/api/requests/" + id + "/revoke", "dave",
                Map.of("event", ApprovalEvents.revoked(id, "dave", Instant.now(), "done", DemoActors.key("dave"))));
        assertThat(revoked.status()).isEqualTo(202);
        awaitEnded(id);
    }

    @Test
    void badInputIsAClearJsonError() throws Exception {
        assertThat(call("GET", "/api/requests?status=NOPE", "bob", null).json())
                .isEqualTo(error(400, "'status' must be one of " + List.of(io.jitmask.grants.RequestState.Status.values())));
        assertThat(call("GET", "/api/audit?type=NOPE", "bob", null).status()).isEqualTo(400);
        assertThat(call("GET", "/api/audit?limit=0", "bob", null).json())
                .isEqualTo(error(400, "'limit' must be a whole number from 1 to 1000"));
        assertThat(call("GET", "/api/requests?cursor=not-ours", "bob", null).json())
                .isEqualTo(error(400, "'cursor' must be a 'next' value this API returned"));
        assertThat(call("GET", "/api/grants?limit=1001", "bob", null).json())
                .isEqualTo(error(400, "'limit' must be a whole number from 1 to 1000"));
        assertThat(call("GET", "/api/nothing", "bob", null).json()).isEqualTo(error(404, "no such API route"));
        assertThat(call("DELETE", "/api/grants", "bob", null).json()).isEqualTo(error(405, "method not allowed"));
        assertThat(call("POST", "/api/requests", "alice", "{not json").json()).isEqualTo(error(400, "the body is not valid JSON"));
        assertThat(call("POST", "/api/requests", "alice", "[1]").json()).isEqualTo(error(400, "the body must be a JSON object"));
        assertThat(call("POST", "/api/requests", "alice", Map.of("dataset", api.dataset, "fields", List.of("email"),
                "justification", "INC-1 x", "durationSeconds", "ten")).json())
                .isEqualTo(error(400, "'durationSeconds' is required (a positive whole number)"));
        assertThat(call("POST", "/api/requests", "alice", Map.of("dataset", api.dataset, "fields", List.of(),
                "justification", "INC-1 x", "durationSeconds", 60)).json())
                .isEqualTo(error(400, "'fields' must be a non-empty array of strings"));
        assertThat(call("POST", "/api/requests", "alice", Map.of("requestId", "bad id!", "dataset", api.dataset,
                "fields", List.of("email"), "justification", "INC-1 x", "durationSeconds", 60)).json())
                .isEqualTo(error(400, "'requestId' must match " + Topics.NAME.pattern()));
        ApiFixture.Answer tooBig = call("POST", "/api/requests", "alice", "{\"x\":\"" + "a".repeat(70_000) + "\"}");
        assertThat(tooBig.json()).isEqualTo(error(413, "request body larger than 65536 bytes"));
        assertThat(call("GET", "/api/requests/nosuchrequest", "bob", null).json()).isEqualTo(error(404, "no request 'nosuchrequest'"));
    }

    @Test
    void theConsoleIsServedWithAContentSecurityPolicy() throws Exception {
        ApiFixture.Answer page = call("GET", "/", null, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw().headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.raw().headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");
        assertThat(page.raw().body()).contains("<script src=\"console.js\" defer></script>");
        assertThat(call("GET", "/console.js", null, null).raw().headers().firstValue("Content-Type"))
                .hasValue("text/javascript; charset=utf-8");
        assertThat(call("GET", "/console.js", null, null).raw().body()).doesNotContain("innerHTML");
        assertThat(call("GET", "/../pom.xml", null, null).status()).isEqualTo(404);
        assertThat(call("GET", "/console/index.html", null, null).status()).isEqualTo(404);
    }

    @Test
    void everyRouteServedIsInTheOpenApiDescriptionAndViceVersa() throws Exception {
        JsonNode openapi = new YAMLMapper().readTree(Path.of("../docs/openapi.yaml").toFile());
        assertThat(openapi.get("openapi").asText()).startsWith("3.");
        Set<String> documented = new TreeSet<>();
        openapi.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (Set.of("get", "post", "put", "delete", "patch").contains(method)) {
                documented.add(method.toUpperCase() + " " + path.getKey());
            }
        }));
        Set<String> served = new TreeSet<>();
        api.api.routes().forEach(r -> served.add(r.method() + " " + r.template()));
        assertThat(documented).isEqualTo(served);
        // Every operation says how it fails without a token.
        openapi.get("paths").forEach(path -> path.forEach(operation -> {
            if (operation.has("responses")) {
                assertThat(operation.get("responses").has("401")).as(operation.path("operationId").asText()).isTrue();
            }
        }));
    }
}
