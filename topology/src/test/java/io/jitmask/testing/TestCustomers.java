package io.jitmask.testing;

import io.jitmask.sample.SampleSchemas;
import java.time.LocalDate;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** A fixed customer record with known values in every field, for exact assertions. */
public final class TestCustomers {
    private TestCustomers() {
    }

    public static GenericRecord customer(String id) {
        Schema schema = SampleSchemas.of("customers");
        GenericRecord address = new GenericData.Record(schema.getField("address").schema());
        address.put("street", "12 Canary Street");
        address.put("city", "Springfield");
        address.put("postalCode", "99001");
        address.put("country", "US");
        GenericRecord c = new GenericData.Record(schema);
        c.put("customerId", id);
        c.put("name", "Ada Canary");
        c.put("email", "ada.canary@example.com");
        c.put("phone", "+1 555-123-4567");
        c.put("nationalId", "123-45-6789");
        c.put("dateOfBirth", (int) LocalDate.of(1985, 6, 15).toEpochDay());
        c.put("address", address);
        c.put("segment", new GenericData.EnumSymbol(schema.getField("segment").schema(), "PREMIUM"));
        c.put("createdAt", 1_700_000_000_000L);
        c.put("loyaltyPoints", 420);
        c.put("preferredLanguage", "en");
        c.put("marketingOptIn", true);
        c.put("riskScore", 0.25);
        c.put("accountManager", "Bob Manager");
        c.put("bio", "Call me at 555-987-6543");
        return c;
    }


    /** A customer whose every sensitive field holds {@code secret} (a canary), so leaks can be searched for. */
    public static GenericRecord withSecret(String id, String secret) {
        GenericRecord c = customer(id);
        GenericRecord address = (GenericRecord) c.get("address");
        address.put("street", secret + " street");
        address.put("postalCode", secret + "pc");
        c.put("name", secret + " name");
        c.put("email", secret + "@example.com");
        c.put("phone", "+1 555 " + secret);
        c.put("nationalId", secret + "-id");
        c.put("bio", "contact " + secret + " anytime");
        return c;
    }
}
