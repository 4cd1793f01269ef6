package io.jitmask.sample;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import net.datafaker.Faker;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Realistic fake records for the sample datasets. Seeded, so a run can be reproduced. */
public final class SampleRecords {
    private final Faker faker;
    private final Random random;
    private final Schema customers = SampleSchemas.of("customers");
    private final Schema payments = SampleSchemas.of("payments");
    private final Schema patients = SampleSchemas.of("patients");

    public SampleRecords(long seed) {
        this.random = new Random(seed);
        this.faker = new Faker(Locale.US, random);
    }

    /** A record of the dataset; its natural key is {@link #keyOf}. */
    public GenericRecord next(String dataset) {
        return switch (dataset) {
            case "customers" -> customer();
            case "payments" -> payment();
            case "patients" -> patient();
            default -> throw new IllegalArgumentException("no sample generator for dataset '" + dataset + "'");
        };
    }

    public static String keyOf(String dataset, GenericRecord record) {
        return switch (dataset) {
            case "customers" -> record.get("customerId").toString();
            case "payments" -> record.get("paymentId").toString();
            case "patients" -> record.get("patientId").toString();
            default -> throw new IllegalArgumentException("no sample dataset '" + dataset + "'");
        };
    }

    public GenericRecord customer() {
        GenericRecord address = new GenericData.Record(customers.getField("address").schema());
        address.put("street", faker.address().streetAddress());
        address.put("city", faker.address().city());
        address.put("postalCode", faker.address().zipCode());
        address.put("country", "US");
        GenericRecord c = new GenericData.Record(customers);
        String first = faker.name().firstName();
        String last = faker.name().lastName();
        c.put("customerId", "C" + (100000 + random.nextInt(900000)));
        c.put("name", first + " " + last);
        c.put("email", (first + "." + last).toLowerCase(Locale.ROOT).replaceAll("[^a-z.]", "") + "@" + faker.internet().domainName());
        c.put("phone", random.nextInt(10) == 0 ? null : "+1 " + faker.numerify("###-###-####"));
        c.put("nationalId", faker.numerify("###-##-####"));
        c.put("dateOfBirth", (int) LocalDate.of(1940 + random.nextInt(65), 1 + random.nextInt(12), 1 + random.nextInt(28)).toEpochDay());
        c.put("address", address);
        List<String> segments = customers.getField("segment").schema().getEnumSymbols();
        c.put("segment", new GenericData.EnumSymbol(customers.getField("segment").schema(), segments.get(random.nextInt(segments.size()))));
        c.put("createdAt", System.currentTimeMillis() - random.nextInt(1_000_000_000));
        c.put("loyaltyPoints", random.nextInt(50_000));
        c.put("preferredLanguage", random.nextBoolean() ? "en" : "es");
        c.put("marketingOptIn", random.nextBoolean());
        c.put("riskScore", Math.round(random.nextDouble() * 1000) / 1000.0);
        c.put("accountManager", faker.name().fullName());
        c.put("bio", faker.lorem().sentence(12) + " Reach me at " + faker.numerify("(###) ###-####") + ".");
        return c;
    }

    public GenericRecord payment() {
        Schema merchantSchema = payments.getField("merchant").schema();
        GenericRecord merchant = new GenericData.Record(merchantSchema);
        merchant.put("merchantId", "M" + faker.number().digits(6));
        merchant.put("name", faker.company().name());
        merchant.put("categoryCode", faker.numerify("5###"));
        merchant.put("country", "US");
        GenericRecord p = new GenericData.Record(payments);
        p.put("paymentId", "P" + faker.number().digits(9));
        p.put("customerId", "C" + (100000 + random.nextInt(900000)));
        p.put("cardNumber", faker.finance().creditCard().replaceAll("[^0-9]", ""));
        p.put("cardExpiry", String.format("%02d/%02d", 1 + random.nextInt(12), 27 + random.nextInt(5)));
        p.put("cardholder", faker.name().fullName());
        Schema amountSchema = payments.getField("amount").schema();
        BigDecimal amount = BigDecimal.valueOf(100 + random.nextInt(500_000), 2).setScale(2, RoundingMode.UNNECESSARY);
        ByteBuffer bytes = new Conversions.DecimalConversion().toBytes(amount, amountSchema, amountSchema.getLogicalType());
        p.put("amount", bytes);
        p.put("currency", "USD");
        p.put("merchant", merchant);
        List<String> statuses = payments.getField("status").schema().getEnumSymbols();
        p.put("status", new GenericData.EnumSymbol(payments.getField("status").schema(), statuses.get(random.nextInt(statuses.size()))));
        p.put("createdAt", System.currentTimeMillis());
        return p;
    }

    public GenericRecord patient() {
        GenericRecord p = new GenericData.Record(patients);
        p.put("patientId", "PT" + faker.number().digits(7));
        p.put("recordNumber", "MRN-" + faker.number().digits(8));
        p.put("name", faker.name().fullName());
        p.put("dateOfBirth", (int) LocalDate.of(1930 + random.nextInt(90), 1 + random.nextInt(12), 1 + random.nextInt(28)).toEpochDay());
        p.put("diagnosisCodes", List.of(faker.letterify("?").toUpperCase(Locale.ROOT) + faker.numerify("##.#"),
                faker.letterify("?").toUpperCase(Locale.ROOT) + faker.numerify("##")));
        p.put("note", "Patient reports " + faker.lorem().sentence(8) + " Contact: " + faker.internet().emailAddress());
        p.put("ward", "W" + (1 + random.nextInt(12)));
        p.put("admittedAt", System.currentTimeMillis());
        return p;
    }
}
