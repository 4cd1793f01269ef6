package io.jitmask.mask;

import static org.assertj.core.api.Assertions.assertThat;

import io.jitmask.policy.TechniqueSpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.apache.avro.Schema;

/** Properties of single techniques: FF1 round trips and keeps the format; the free-text scanner misses nothing it detects. */
class TechniquePropertiesTest {
    static final Schema STRING = Schema.create(Schema.Type.STRING);

    @Property(tries = 300)
    void ff1RoundTripsAndKeepsLengthAndAlphabet(@ForAll @NumericChars @StringLength(min = 6, max = 40) String digits,
                                                @ForAll byte[] tweak) {
        Ff1Cipher cipher = new Ff1Cipher(Ff1CipherTest.AES128, Ff1CipherTest.DIGITS, tweak);
        String encrypted = cipher.encrypt(digits);
        assertThat(encrypted).hasSize(digits.length()).matches("[0-9]+");
        assertThat(cipher.decrypt(encrypted)).isEqualTo(digits);
        assertThat(cipher.encrypt(digits)).isEqualTo(encrypted);
    }

    @Property(tries = 300)
    void ff1CardNumbersKeepLayoutLastFourAndLuhn(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed,
                                                 @ForAll @IntRange(min = 13, max = 19) int length) {
        Random random = new Random(seed);
        String card = luhnNumber(random, length);
        String spaced = card.replaceAll("(\\d{4})(?=\\d)", "$1 ");
        String masked = (String) Techniques.compile(TechniqueSpec.of("ff1", Map.of("keepLast", 4, "luhn", true)), STRING,
                TechniquesTest.KEYSET, "t").mask(spaced, null);
        assertThat(masked).hasSize(spaced.length());
        assertThat(masked.replaceAll("\\d", "#")).isEqualTo(spaced.replaceAll("\\d", "#"));
        assertThat(masked).endsWith(spaced.substring(spaced.length() - 4));
        assertThat(Luhn.isValid(masked.replace(" ", ""))).isTrue();
    }

    @Property(tries = 300)
    void freeTextLeavesNoDetectedIdentifierAndKeepsTheWords(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed) {
        Random random = new Random(seed);
        List<String> identifiers = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            String piece;
            switch (random.nextInt(7)) {
                case 0 -> identifiers.add(piece = word(random) + "." + word(random) + "@" + word(random) + ".com");
                case 1 -> identifiers.add(piece = luhnNumber(random, 16).replaceAll("(\\d{4})(?=\\d)", "$1" + (random.nextBoolean() ? " " : "-")));
                case 2 -> identifiers.add(piece = String.format("%03d-%02d-%04d", 1 + random.nextInt(665), 1 + random.nextInt(99),
                        1 + random.nextInt(9999)));
                case 3 -> identifiers.add(piece = iban(random));
                case 4 -> identifiers.add(piece = "+41 79 " + (100 + random.nextInt(900)) + " " + (10 + random.nextInt(90)) + " "
                        + (10 + random.nextInt(90)));
                default -> words.add(piece = word(random));
            }
            text.append(piece).append(random.nextBoolean() ? " " : ", ");
        }
        String scrubbed = FreeTextTechnique.scrub(text.toString(), FreeTextTechnique.DETECTORS);
        for (String identifier : identifiers) {
            assertThat(scrubbed).doesNotContain(identifier);
        }
        for (String word : words) {
            assertThat(scrubbed).contains(word);
        }
    }

    static String word(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = 3 + random.nextInt(6); i > 0; i--) {
            s.append((char) ('a' + random.nextInt(26)));
        }
        return s.toString();
    }

    /** A random number of the given length whose last digit makes it pass the Luhn check, starting with 4. */
    static String luhnNumber(Random random, int length) {
        StringBuilder s = new StringBuilder("4");
        while (s.length() < length - 1) {
            s.append(random.nextInt(10));
        }
        for (char check = '0'; check <= '9'; check++) {
            if (Luhn.isValid(s.toString() + check)) {
                return s.append(check).toString();
            }
        }
        throw new IllegalStateException();
    }

    /** A German IBAN (DE, 18 digits) with correct mod-97 check digits, grouped by four. */
    static String iban(Random random) {
        StringBuilder bban = new StringBuilder();
        for (int i = 0; i < 18; i++) {
            bban.append(random.nextInt(10));
        }
        // check = 98 - (BBAN + "DE00" as digits) mod 97; D=13, E=14
        int check = 98 - new BigInteger(bban + "131400").mod(BigInteger.valueOf(97)).intValue();
        String iban = "DE" + String.format("%02d", check) + bban;
        assertThat(FreeTextTechnique.validIban(iban)).isTrue();
        return iban.replaceAll("(.{4})(?=.)", "$1 ");
    }
}
