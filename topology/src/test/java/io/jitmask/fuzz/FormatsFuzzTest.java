package io.jitmask.fuzz;


import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.jitmask.policy.PolicyLoader;
import io.jitmask.registry.InMemorySchemaRegistryClient;
import io.jitmask.testing.MaskingDriver;
import io.jitmask.serde.JsonCodec;
import io.jitmask.serde.ProtobufCodec;
import io.jitmask.testing.FormatSamples;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Hostile bytes on the raw topics of the JSON Schema, Protobuf and plain JSON sample datasets: the masking path never
 * throws, every record is masked or dead-lettered exactly once, and the canary planted in every sensitive field is
 * never forwarded (nor quoted in a dead letter).
 */
class FormatsFuzzTest {
    static final String CANARY = "ZZCANARYqq";
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> DATASETS = List.of("tickets", "orders", "clicks");
    /** Characters that change a JSON document's structure when they replace a byte. */
    static final String JSON_BYTES = "{}[]\",:x0 ";

    MaskingDriver app;
    InMemorySchemaRegistryClient registry;
    int ticketsId;
    int ordersId;
    Descriptors.Descriptor order;

    @BeforeTry
    void setUp() {
        app = new MaskingDriver(PolicyLoader.load(Path.of("../deploy/policy.yaml")), DATASETS, "formats-fuzz", Instant.now());
        registry = app.registry();
        ticketsId = registry.registerTyped("raw.tickets-value", FormatSamples.TICKETS_SCHEMA);
        ordersId = registry.registerTyped("raw.orders-value", FormatSamples.ORDERS_SCHEMA);
        order = FormatSamples.orderDescriptor();
    }

    @AfterTry
    void tearDown() {
        app.close();
    }

    /** A valid record of the dataset with the canary in every sensitive field. */
    byte[] valid(String dataset) {
        switch (dataset) {
            case "tickets": {
                ObjectNode t = (ObjectNode) FormatSamples.ticket("T-1");
                ((ObjectNode) t.get("reporter")).put("name", CANARY).put("email", CANARY + "@example.org");
                t.put("description", "note " + CANARY).put("customerPhone", "+44 " + CANARY).put("internalNote", CANARY);
                return JsonCodec.writeFramed(ticketsId, t);
            }
            case "orders": {
                Message o = FormatSamples.order(order, "O-1");
                Descriptors.FieldDescriptor buyerField = order.findFieldByName("buyer");
                Message buyer = ((Message) o.getField(buyerField)).toBuilder()
                        .setField(buyerField.getMessageType().findFieldByName("name"), CANARY)
                        .setField(buyerField.getMessageType().findFieldByName("email"), CANARY + "@example.org").build();
                Descriptors.FieldDescriptor payField = order.findFieldByName("payment");
                Message payment = ((Message) o.getField(payField)).toBuilder()
                        .setField(payField.getMessageType().findFieldByName("cardholder"), CANARY).build();
                return ProtobufCodec.encode(ordersId, List.of(0), o.toBuilder().setField(buyerField, buyer).setField(payField, payment).build());
            }
            default:
                return ("{\"sessionId\":\"S-1\",\"user\":{\"email\":\"" + CANARY + "@example.org\",\"ip\":\"" + CANARY
                        + "\",\"name\":\"" + CANARY + "\"},\"extra\":{\"deep\":[\"" + CANARY + "\"]}}").getBytes(StandardCharsets.UTF_8);
        }
    }

    byte[] hostile(String dataset, Random random, int kind) {
        byte[] good = valid(dataset);
        int id = "tickets".equals(dataset) ? ticketsId : ordersId;
        switch (kind) {
            case 0: { // random bytes, sometimes behind a valid-looking header
                byte[] bytes = new byte[random.nextInt(300)];
                random.nextBytes(bytes);
                if (bytes.length > 5 && random.nextBoolean()) {
                    ByteBuffer.wrap(bytes).put(0, (byte) 0).putInt(1, id);
                }
                return bytes;
            }
            case 1: // wrong magic byte (plain JSON: a leading garbage byte)
                good[0] = (byte) (1 + random.nextInt(255));
                return good;
            case 2: // unknown schema id
                if (!"clicks".equals(dataset)) {
                    ByteBuffer.wrap(good).putInt(1, 1000 + random.nextInt(1_000_000));
                }
                return good;
            case 3: // truncated
                return Arrays.copyOf(good, random.nextInt(good.length));
            case 4: // trailing garbage
                return concat(good, randomBytes(random, 1 + random.nextInt(10)));
            case 5: // Protobuf: a message-index count or length prefix claiming gigabytes; JSON: a huge string
                if ("orders".equals(dataset)) {
                    return random.nextBoolean()
                            ? concat(Arrays.copyOf(good, 5), new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f})
                            : concat(Arrays.copyOf(good, 6), new byte[] {0x0a, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
                }
                return replace(good, CANARY, CANARY + "x".repeat(200_000 + random.nextInt(100_000)));
            case 6: // deep nesting
                if ("orders".equals(dataset)) {
                    byte[] nested = new byte[0];
                    for (int i = 0; i < 200 + random.nextInt(300); i++) { // buyer (field 3) inside buyer ...: unknown fields, deep
                        nested = concat(new byte[] {0x1a, (byte) Math.min(nested.length, 127)}, nested);
                    }
                    return concat(Arrays.copyOf(good, 6), nested);
                }
                String deep = "[".repeat(300 + random.nextInt(2000)) + "\"" + CANARY + "\"" + "]".repeat(300);
                byte[] body = ("{\"internalNote\":" + deep + "}").getBytes(StandardCharsets.UTF_8);
                return "clicks".equals(dataset) ? body : concat(Arrays.copyOf(good, 5), body);
            default: { // flipped bytes in a JSON body (Protobuf: a flipped message index)
                if ("orders".equals(dataset)) {
                    good[5] = (byte) (1 + random.nextInt(127));
                    return good;
                }
                int start = "clicks".equals(dataset) ? 0 : 5;
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    int at = start + random.nextInt(good.length - start);
                    good[at] = (byte) JSON_BYTES.charAt(random.nextInt(JSON_BYTES.length()));
                }
                return good;
            }
        }
    }

    static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static byte[] replace(byte[] bytes, String what, String with) {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace(what, with).getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Property(tries = 300)
    void hostileRecordsOfEveryFormatNeverLeakAndAlwaysLandSomewhere(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                                                     @ForAll @IntRange(min = 0, max = 7) int kind,
                                                                     @ForAll @IntRange(min = 0, max = 2) int format) throws Exception {
        String dataset = DATASETS.get(format);
        LandsOnce.assertLandsOnceWithout(CANARY, app, dataset, "K" + seed, hostile(dataset, new Random(seed), kind));
    }

}
