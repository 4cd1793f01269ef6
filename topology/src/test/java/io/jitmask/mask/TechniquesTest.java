package io.jitmask.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jitmask.keys.Keyset;
import io.jitmask.policy.TechniqueSpec;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

/** Exact outputs of every technique, per Avro type, and the configuration errors they raise. */
class TechniquesTest {
    static final String MATERIAL = io.jitmask.testing.TestKeys.MATERIAL;
    static final Keyset KEYSET = io.jitmask.testing.TestKeys.KEYSET;
    static final Schema STRING = Schema.create(Schema.Type.STRING);

    static Object mask(String type, Map<String, Object> options, Schema schema, Object value) {
        return Techniques.compile(TechniqueSpec.of(type, options), schema, KEYSET, "test: field 'f'").mask(value, null);
    }

    static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    @Test
    void redactKeepsTheType() {
        assertThat(mask("redact", Map.of(), STRING, "secret")).isEqualTo("REDACTED");
        assertThat(mask("redact", Map.of("value", "***"), STRING, "secret")).isEqualTo("***");
        assertThat(mask("redact", Map.of(), Schema.create(Schema.Type.INT), 42)).isEqualTo(0);
        assertThat(mask("redact", Map.of(), Schema.create(Schema.Type.LONG), 42L)).isEqualTo(0L);
        assertThat(mask("redact", Map.of(), Schema.create(Schema.Type.DOUBLE), 4.2)).isEqualTo(0d);
        assertThat(mask("redact", Map.of(), Schema.create(Schema.Type.BOOLEAN), true)).isEqualTo(false);
        Schema uuid = LogicalTypes.uuid().addToSchema(Schema.create(Schema.Type.STRING));
        assertThat(mask("redact", Map.of(), uuid, "7f3c...")).isEqualTo("00000000-0000-0000-0000-000000000000");
        Schema decimal = LogicalTypes.decimal(12, 2).addToSchema(Schema.create(Schema.Type.BYTES));
        Object zero = mask("redact", Map.of(), decimal, ByteBuffer.wrap(new byte[] {1, 2}));
        assertThat(new Conversions.DecimalConversion().fromBytes((ByteBuffer) zero, decimal, decimal.getLogicalType()))
                .isEqualTo(new BigDecimal("0.00"));
        Schema enumSchema = Schema.createEnum("E", null, "x", List.of("A", "B"));
        assertThat(mask("redact", Map.of(), enumSchema, new GenericData.EnumSymbol(enumSchema, "B"))).hasToString("A");
        Schema fixed = Schema.createFixed("F", null, "x", 3);
        assertThat(((GenericData.Fixed) mask("redact", Map.of(), fixed, new GenericData.Fixed(fixed, new byte[] {7, 7, 7}))).bytes())
                .containsExactly(0, 0, 0);
        Schema nullable = Schema.createUnion(Schema.create(Schema.Type.NULL), STRING);
        assertThat(mask("redact", Map.of(), nullable, null)).isNull();
        assertThat(mask("redact", Map.of(), nullable, "x")).isEqualTo("REDACTED");
        Schema array = Schema.createArray(STRING);
        assertThat(mask("redact", Map.of(), array, List.of("a", "b"))).isEqualTo(List.of("REDACTED", "REDACTED"));
        Schema map = Schema.createMap(Schema.create(Schema.Type.INT));
        assertThat(mask("redact", Map.of(), map, Map.of("k", 5))).as("map keys tokenized like hmac").isEqualTo(Map.of("k1:ymhU1BimUj2MGxMDg5nhk5", 0));
        assertThat(mask("redact", Map.of("keepMapKeys", true), map, Map.of("k", 5))).isEqualTo(Map.of("k", 0));
        Schema consents = Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.createMap(Schema.create(Schema.Type.BOOLEAN)));
        assertThat(mask("redact", Map.of(), consents, Map.of("ada@example.com", true)))
                .isEqualTo(Map.of("k1:PgxL0DZTBTsxWiwHN8BXhq", false));
    }

    @Test
    void nullifyNeedsANullableField() {
        Schema nullable = Schema.createUnion(Schema.create(Schema.Type.NULL), STRING);
        assertThat(mask("nullify", Map.of(), nullable, "x")).isNull();
        assertThatThrownBy(() -> mask("nullify", Map.of(), STRING, "x")).isInstanceOf(MaskingConfigException.class)
                .hasMessage("test: field 'f': technique 'nullify' needs a nullable field (a union with null), but the field is string");
    }

    @Test
    void partialKeepsEndsAndLength() {
        assertThat(mask("partial", Map.of(), STRING, "4111111111111111")).isEqualTo("************1111");
        assertThat(mask("partial", Map.of("keepFirst", 6, "keepLast", 4), STRING, "4111111111111111")).isEqualTo("411111******1111");
        assertThat(mask("partial", Map.of("keepLast", 2, "maskChar", "#"), STRING, "+1 555-123-4567")).isEqualTo("#############67");
        assertThat(mask("partial", Map.of("keepLast", 4), STRING, "123")).as("too short to hide anything: all masked").isEqualTo("***");
        assertThatThrownBy(() -> mask("partial", Map.of("keepLast", -1), STRING, "x")).isInstanceOf(MaskingConfigException.class)
                .hasMessage("test: field 'f': technique 'partial' option 'keepLast' must be a whole number from 0 to 64, got '-1'");
        assertThatThrownBy(() -> mask("partial", Map.of("keeplast", 2), STRING, "x")).isInstanceOf(MaskingConfigException.class)
                .hasMessage("test: field 'f': technique 'partial' has no option 'keeplast'");
        assertThatThrownBy(() -> mask("partial", Map.of(), Schema.create(Schema.Type.INT), 1)).isInstanceOf(MaskingConfigException.class)
                .hasMessage("test: field 'f': technique 'partial' cannot mask a field of type int");
    }

    @Test
    void hmacTokensAreKeyedDeterministicAndCarryTheKeyId() throws Exception {
        byte[] derived = hmac(Base64.getDecoder().decode(MATERIAL), "jitmask/token/v1".getBytes(StandardCharsets.UTF_8));
        String expected = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(hmac(derived, "ada@example.com".getBytes(StandardCharsets.UTF_8))).substring(0, 22);
        assertThat(mask("hmac", Map.of(), STRING, "ada@example.com")).isEqualTo("k1:" + expected);
        assertThat(mask("hmac", Map.of("prefix", "tok_"), STRING, "ada@example.com")).isEqualTo("tok_k1:" + expected);
        assertThat((String) mask("hmac", Map.of("alphabet", "hex", "length", 12), STRING, "x")).matches("k1:[0-9a-f]{12}");
        assertThat((String) mask("hmac", Map.of("alphabet", "digits", "length", 10), STRING, "x")).matches("k1:[0-9]{10}");
        assertThat(mask("hmac", Map.of(), Schema.create(Schema.Type.LONG), 12345L))
                .isEqualTo(mask("hmac", Map.of(), Schema.create(Schema.Type.LONG), 12345L)).isNotEqualTo(12345L);
        Keyset rotated = KEYSET.rotated();
        Object afterRotation = Techniques.compile(TechniqueSpec.of("hmac", Map.of()), STRING, rotated, "w").mask("ada@example.com", null);
        assertThat(afterRotation.toString()).startsWith("k2:").isNotEqualTo("k1:" + expected);
    }

    @Test
    void ff1ExactOutputsUnderTheDerivedKey() throws Exception {
        // FF1 key = HMAC-SHA256(material, "jitmask/ff1/v1") as an AES-256 key; empty tweak; separators skipped
        byte[] ff1Key = hmac(Base64.getDecoder().decode(MATERIAL), "jitmask/ff1/v1".getBytes(StandardCharsets.UTF_8));
        assertThat(new Ff1Cipher(ff1Key, "0123456789", new byte[0]).encrypt("123456789")).isEqualTo("954052759");
        assertThat(mask("ff1", Map.of(), STRING, "123-45-6789")).isEqualTo("954-05-2759");
        // first 11 digits encrypted, the 12th rewritten for the Luhn check, last four kept
        assertThat(mask("ff1", Map.of("keepLast", 4, "luhn", true), STRING, "4111 1111 1111 1111")).isEqualTo("7693 2077 5558 1111");
    }

    @Test
    void ff1KeepsLengthSeparatorsLastFourAndLuhn() {
        String card = "4111 1111 1111 1111";
        String masked = (String) mask("ff1", Map.of("keepLast", 4, "luhn", true), STRING, card);
        assertThat(masked).hasSize(card.length()).matches("\\d{4} \\d{4} \\d{4} 1111").isNotEqualTo(card);
        assertThat(Luhn.isValid(masked.replace(" ", ""))).isTrue();
        assertThat(mask("ff1", Map.of("keepLast", 4, "luhn", true), STRING, card)).isEqualTo(masked);
        assertThat((String) mask("ff1", Map.of("alphabet", "alphanumeric"), STRING, "AB-12cd-99")).matches("[0-9A-Za-z]{2}-[0-9A-Za-z]{4}-[0-9A-Za-z]{2}");
        assertThat((String) mask("ff1", Map.of("alphabet", "upperAlphanumeric"), STRING, "P1234567")).matches("[0-9A-Z]{8}");
        assertThatThrownBy(() -> mask("ff1", Map.of(), STRING, "AB 123456")).isInstanceOf(MaskingException.class)
                .hasMessage("test: field 'f': value has a letter or digit outside the FF1 alphabet at position 0");
        assertThatThrownBy(() -> mask("ff1", Map.of("alphabet", "upperAlphanumeric"), STRING, "ABCDEFg")).isInstanceOf(MaskingException.class)
                .hasMessage("test: field 'f': value has a letter or digit outside the FF1 alphabet at position 6");
        assertThatThrownBy(() -> mask("ff1", Map.of(), STRING, "12-34")).isInstanceOf(MaskingException.class)
                .hasMessageStartingWith("test: field 'f': FF1 input of 4 symbols").hasMessageNotContaining("12-34");
        assertThatThrownBy(() -> mask("ff1", Map.of("alphabet", "alphanumeric", "luhn", true), STRING, "x"))
                .isInstanceOf(MaskingConfigException.class).hasMessage("test: field 'f': technique 'ff1' option 'luhn' needs alphabet 'digits'");
    }

    @Test
    void emailKeepsTheDomainAndPhoneTheCountryCode() {
        String masked = (String) mask("email", Map.of(), STRING, "Ada.Lovelace@example.org");
        // hex(HMAC-SHA256(HMAC-SHA256(material, "jitmask/email/v1"), lower-cased address)), first 16 characters
        assertThat(masked).isEqualTo("k1.0d31a8aa32e42d8a@example.org");
        assertThat(mask("email", Map.of(), STRING, "ada.lovelace@example.com")).as("same local part, other domain: unrelated")
                .isEqualTo("k1.bbb5f390eb8007e2@example.com");
        assertThat(mask("email", Map.of(), STRING, "Ada.Lovelace@EXAMPLE.org")).as("case-insensitive")
                .isEqualTo("k1.0d31a8aa32e42d8a@EXAMPLE.org");
        assertThat(mask("phone", Map.of(), STRING, "+41 79 123 45 67")).isEqualTo("+41 ** *** ** **");
        assertThat(mask("phone", Map.of("keepLast", 2), STRING, "+1 (555) 123-4567")).isEqualTo("+1 (***) ***-**67");
        assertThat(mask("phone", Map.of(), STRING, "555-1234")).isEqualTo("***-****");
        assertThat(mask("phone", Map.of(), STRING, "+15551234567")).as("E.164 without separators").isEqualTo("+1**********");
        assertThat(mask("phone", Map.of(), STRING, "+41791234567")).isEqualTo("+41*********");
        assertThat(mask("phone", Map.of(), STRING, "+353 1 234 5678")).isEqualTo("+353 * *** ****");
        assertThat(mask("phone", Map.of(), STRING, "0041 79 123 45 67")).isEqualTo("0041 ** *** ** **");
        assertThat(mask("phone", Map.of("keepLast", 4), STRING, "+44 20 7946 0958 ext 12")).isEqualTo("+44 ** **** **58 *** 12");
        assertThat(mask("phone", Map.of(), STRING, "+41")).as("nothing left to hide: all masked").isEqualTo("+**");
    }

    @Test
    void datesGeneraliseAndShift() {
        Schema date = LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
        int june15 = (int) LocalDate.of(1985, 6, 15).toEpochDay();
        assertThat(mask("generalizeDate", Map.of(), date, june15)).isEqualTo((int) LocalDate.of(1985, 6, 1).toEpochDay());
        assertThat(mask("generalizeDate", Map.of("to", "year"), date, june15)).isEqualTo((int) LocalDate.of(1985, 1, 1).toEpochDay());
        Schema millis = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        assertThat(mask("generalizeDate", Map.of(), millis, Instant.parse("2026-11-23T10:15:30Z").toEpochMilli()))
                .isEqualTo(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli());
        Schema micros = LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
        assertThat(mask("generalizeDate", Map.of("to", "year"), micros, Instant.parse("2026-11-23T10:15:30Z").toEpochMilli() * 1000))
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli() * 1000);
        assertThat(mask("generalizeDate", Map.of(), STRING, "1985-06-15")).isEqualTo("1985-06-01");

        int shifted = (Integer) mask("shiftDate", Map.of("maxDays", 10), date, june15);
        assertThat(Math.abs(shifted - june15)).isBetween(1, 10);
        assertThat(mask("shiftDate", Map.of("maxDays", 10), date, june15)).isEqualTo(shifted);
        assertThatThrownBy(() -> mask("generalizeDate", Map.of(), Schema.create(Schema.Type.BOOLEAN), true))
                .isInstanceOf(MaskingConfigException.class).hasMessageContaining("cannot mask a field of type boolean");
    }

    @Test
    void bucketsNumbersAndKeepsDecimalScale() {
        assertThat(mask("bucket", Map.of("size", 10), Schema.create(Schema.Type.INT), 37)).isEqualTo(30);
        assertThat(mask("bucket", Map.of("size", 10), Schema.create(Schema.Type.INT), -3)).isEqualTo(-10);
        assertThat(mask("bucket", Map.of("size", 1000), Schema.create(Schema.Type.LONG), 123_456L)).isEqualTo(123_000L);
        assertThat(mask("bucket", Map.of("size", 0.5), Schema.create(Schema.Type.DOUBLE), 2.7)).isEqualTo(2.5);
        Schema decimal = LogicalTypes.decimal(12, 2).addToSchema(Schema.create(Schema.Type.BYTES));
        Conversions.DecimalConversion conversion = new Conversions.DecimalConversion();
        ByteBuffer amount = conversion.toBytes(new BigDecimal("1234.56"), decimal, decimal.getLogicalType());
        assertThat(conversion.fromBytes((ByteBuffer) mask("bucket", Map.of("size", 100), decimal, amount), decimal, decimal.getLogicalType()))
                .isEqualTo(new BigDecimal("1200.00"));
        assertThat(mask("bucket", Map.of("size", 1000, "mode", "nearest"), Schema.create(Schema.Type.INT), 1500)).isEqualTo(2000);
        assertThat(mask("bucket", Map.of("size", 1000, "mode", "nearest"), Schema.create(Schema.Type.INT), -1499)).isEqualTo(-1000);
        assertThat(mask("bucket", Map.of("size", 1000, "mode", "nearest"), Schema.create(Schema.Type.LONG), 123_456L)).isEqualTo(123_000L);
        assertThat(mask("bucket", Map.of("size", 0.5, "mode", "nearest"), Schema.create(Schema.Type.DOUBLE), 2.8)).isEqualTo(3.0);
        assertThat(mask("bucket", Map.of("size", 10), Schema.create(Schema.Type.DOUBLE), Double.NaN)).as("NaN is no bucket").isEqualTo(0d);
        assertThat(conversion.fromBytes((ByteBuffer) mask("bucket", Map.of("size", 100, "mode", "nearest"), decimal, amount), decimal,
                decimal.getLogicalType())).isEqualTo(new BigDecimal("1200.00"));
        ByteBuffer upper = conversion.toBytes(new BigDecimal("1250.00"), decimal, decimal.getLogicalType());
        assertThat(conversion.fromBytes((ByteBuffer) mask("bucket", Map.of("size", 100, "mode", "nearest"), decimal, upper), decimal,
                decimal.getLogicalType())).isEqualTo(new BigDecimal("1300.00"));
        assertThatThrownBy(() -> mask("bucket", Map.of("size", 10, "mode", "ceil"), Schema.create(Schema.Type.INT), 1))
                .isInstanceOf(MaskingConfigException.class)
                .hasMessage("test: field 'f': technique 'bucket' option 'mode' must be one of [floor, nearest], got 'ceil'");
        assertThatThrownBy(() -> mask("bucket", Map.of(), Schema.create(Schema.Type.INT), 1))
                .isInstanceOf(MaskingConfigException.class).hasMessage("test: field 'f': technique 'bucket' needs a positive option 'size'");
    }

    @Test
    void freeTextMasksIdentifiersAndLeavesTheRest() {
        String note = "Call +1 555-123-4567 or mail ada@example.com; card 4111 1111 1111 1111, SSN 123-45-6789, "
                + "IBAN GB82 WEST 1234 5698 7654 32. Order 1234567890123 shipped.";
        assertThat(mask("freeText", Map.of(), STRING, note)).isEqualTo(
                "Call [PHONE] or mail [EMAIL]; card [CARD], SSN [SSN], IBAN [IBAN]. Order 1234567890123 shipped.");
        assertThat(mask("freeText", Map.of(), STRING, "Admitted 2026-11-23, call 044 668 18 00.")).isEqualTo("Admitted 2026-11-23, call [PHONE].");
        assertThat(mask("freeText", Map.of("detectors", List.of("email")), STRING, "x ada@example.com 123-45-6789"))
                .isEqualTo("x [EMAIL] 123-45-6789");
        assertThatThrownBy(() -> mask("freeText", Map.of("detectors", List.of("dna")), STRING, "x"))
                .isInstanceOf(MaskingConfigException.class).hasMessageContaining("unknown detector 'dna'");
    }

    @Test
    void unknownTechniqueIsAConfigError() {
        assertThatThrownBy(() -> mask("scramble", Map.of(), STRING, "x")).isInstanceOf(MaskingConfigException.class)
                .hasMessageStartingWith("test: field 'f': unknown technique 'scramble' (known: [bucket, email, ff1,");
    }

    @Test
    void uuidFieldsStayUuids() {
        Schema uuid = LogicalTypes.uuid().addToSchema(Schema.create(Schema.Type.STRING));
        // HMAC-SHA256 token, first 16 bytes, version 8 and RFC variant bits set
        assertThat(mask("hmac", Map.of(), uuid, "7f3c1a2e-0000-4000-8000-000000000001")).isEqualTo("cd05d811-f1be-83f0-b01c-3d1111de2253");
        assertThatThrownBy(() -> mask("partial", Map.of(), uuid, "7f3c1a2e-0000-4000-8000-000000000001"))
                .isInstanceOf(MaskingConfigException.class).hasMessage("test: field 'f': technique 'partial' cannot mask a field of type string (uuid)");
        assertThatThrownBy(() -> mask("ff1", Map.of("alphabet", "alphanumeric"), uuid, "x")).isInstanceOf(MaskingConfigException.class)
                .hasMessageEndingWith("cannot mask a field of type string (uuid)");
    }

    @Test
    void everyTimestampPrecisionGeneralisesAndShifts() {
        Instant at = Instant.parse("2026-11-23T10:15:30.123456789Z");
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        long startOfYearNanos = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
        Schema utcNanos = LogicalTypes.timestampNanos().addToSchema(Schema.create(Schema.Type.LONG));
        Schema localMicros = LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
        Schema localMillis = LogicalTypes.localTimestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        assertThat(mask("generalizeDate", Map.of("to", "year"), utcNanos, nanos)).isEqualTo(startOfYearNanos);
        assertThat(mask("generalizeDate", Map.of("to", "month"), localMicros, nanos / 1000))
                .isEqualTo(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli() * 1000);
        assertThat(mask("generalizeDate", Map.of(), localMillis, nanos / 1_000_000)).isEqualTo(Instant.parse("2026-11-01T00:00:00Z").toEpochMilli());
        long shiftedMillis = (Long) mask("shiftDate", Map.of("maxDays", 10), localMillis, nanos / 1_000_000) - nanos / 1_000_000;
        assertThat(shiftedMillis % 86_400_000L).isZero();
        assertThat(Math.abs(shiftedMillis / 86_400_000L)).isBetween(1L, 10L);
        // At the ends of the range a shift either fails closed or stays in range; it never wraps around.
        int failures = 0;
        for (long extreme : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE, Long.MIN_VALUE + 1}) {
            try {
                long shifted = (Long) mask("shiftDate", Map.of(), utcNanos, extreme);
                assertThat(Math.abs((double) shifted - extreme)).isLessThanOrEqualTo(30 * 86_400e9);
            } catch (MaskingException e) {
                assertThat(e).hasMessage("test: field 'f': shifted timestamp out of range");
                failures++;
            }
        }
        assertThat(failures).isPositive();
        assertThatThrownBy(() -> mask("generalizeDate", Map.of(), LogicalTypes.timeMillis().addToSchema(Schema.create(Schema.Type.INT)), 5))
                .isInstanceOf(MaskingConfigException.class).hasMessage("test: field 'f': technique 'generalizeDate' cannot mask a field of type int (time-millis)");
    }
}
