package io.jitmask.fuzz;


import io.jitmask.policy.PolicyLoader;
import io.jitmask.registry.InMemorySchemaRegistryClient;
import io.jitmask.testing.MaskingDriver;
import io.jitmask.sample.SampleSchemas;
import io.jitmask.serde.AvroCodec;
import io.jitmask.testing.TestCustomers;
import java.nio.ByteBuffer;
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
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Hostile bytes on raw.*: the masking path never throws, never forwards a canary, and every record it does not
 * mask is in the DLQ with its coordinates and a reason.
 */
class RawInputFuzzTest {
    static final String CANARY = "ZZCANARYqq";

    MaskingDriver app;
    InMemorySchemaRegistryClient registry;
    AvroCodec codec;
    int customersId;
    Schema customers;

    @BeforeTry
    void setUp() {
        app = new MaskingDriver(PolicyLoader.load(Path.of("../deploy/policy.yaml")), List.of("customers"), "fuzz", Instant.now());
        registry = app.registry();
        codec = new AvroCodec(registry);
        customers = SampleSchemas.of("customers");
        customersId = registry.register("raw.customers-value", customers);
    }

    @AfterTry
    void tearDown() {
        app.close();
    }

    byte[] valid() {
        return codec.encode(customersId, customers, TestCustomers.withSecret("C1", CANARY));
    }

    byte[] hostile(Random random, int kind) {
        byte[] good = valid();
        switch (kind) {
            case 0: { // random bytes, sometimes with a valid-looking header
                byte[] bytes = new byte[random.nextInt(300)];
                random.nextBytes(bytes);
                if (bytes.length > 5 && random.nextBoolean()) {
                    ByteBuffer.wrap(bytes).put(0, (byte) 0).putInt(1, customersId);
                }
                return bytes;
            }
            case 1: // wrong magic byte
                good[0] = (byte) (1 + random.nextInt(255));
                return good;
            case 2: // unknown schema id
                ByteBuffer.wrap(good).putInt(1, 1000 + random.nextInt(1_000_000));
                return good;
            case 3: // truncated
                return Arrays.copyOf(good, random.nextInt(good.length));
            case 4: { // bit flips in the body
                for (int i = 0; i < 1 + random.nextInt(8); i++) {
                    int at = 5 + random.nextInt(good.length - 5);
                    good[at] ^= (byte) (1 << random.nextInt(8));
                }
                return good;
            }
            case 5: // a string length prefix claiming gigabytes
                return concat(Arrays.copyOf(good, 5), new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
            case 6: { // a huge but valid string in a sensitive field
                GenericRecord c = TestCustomers.withSecret("C1", CANARY);
                c.put("bio", CANARY + "x".repeat(200_000 + random.nextInt(100_000)));
                return codec.encode(customersId, customers, c);
            }
            case 7: // deep nesting through a recursive schema carrying a tagged field
                return deep(random);
            default:
                return trailing(good, random);
        }
    }

    byte[] deep(Random random) {
        Schema recursive = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Chain\",\"fields\":["
                + "{\"name\":\"secret\",\"type\":\"string\",\"confluent:tags\":[\"PII\"]},"
                + "{\"name\":\"next\",\"type\":[\"null\",\"Chain\"],\"default\":null}]}");
        int id = registry.register("raw.customers-value-chain", recursive);
        GenericRecord head = null;
        for (int depth = 0; depth < 50 + random.nextInt(500); depth++) {
            GenericRecord link = new GenericData.Record(recursive);
            link.put("secret", CANARY + depth);
            link.put("next", head);
            head = link;
        }
        return codec.encode(id, recursive, head);
    }

    static byte[] trailing(byte[] good, Random random) {
        byte[] extra = new byte[1 + random.nextInt(10)];
        random.nextBytes(extra);
        return concat(good, extra);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Property(tries = 300)
    void hostileRawRecordsNeverLeakAndAlwaysLandSomewhere(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                                          @ForAll @IntRange(min = 0, max = 8) int kind) throws Exception {
        Random random = new Random(seed);
        LandsOnce.assertLandsOnceWithout(CANARY, app, "customers", "K" + seed, hostile(random, kind));
    }
}
