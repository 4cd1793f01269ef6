package io.jitmask.mask;

import io.jitmask.keys.Keyset;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * Finds identifiers inside free text and replaces each with a label: {@code [IBAN]} (mod-97 checked),
 * {@code [EMAIL]}, {@code [CARD]} (13-19 digits, Luhn checked), {@code [SSN]} (US format), {@code [PHONE]}. The
 * rest of the text stays readable. {@code detectors} narrows the list. Checksums keep ordinary numbers (order ids,
 * amounts) from being mistaken for cards or IBANs.
 */
final class FreeTextTechnique implements Technique {
    record Detector(String name, Pattern pattern, java.util.function.Predicate<String> check) {
    }

    /** Dates in notes (admitted 2026-11-23) look like phone numbers by digit count alone. */
    private static final Pattern ISO_DATE = Pattern.compile("(?:19|20)\\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])");

    static final List<Detector> DETECTORS = List.of(
            new Detector("iban", Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}\\b"), FreeTextTechnique::validIban),
            new Detector("email", Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"), s -> true),
            new Detector("card", Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])"), s -> Luhn.isValid(s.replaceAll("[ -]", ""))),
            new Detector("ssn", Pattern.compile("(?<!\\d)(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?!\\d)"), s -> true),
            new Detector("phone", Pattern.compile("(?<![\\w+])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{2,4}(?:[ .-]\\d{2,4}){1,4}(?![\\w])"),
                    s -> s.replaceAll("\\D", "").length() >= 7 && !ISO_DATE.matcher(s).matches()));

    @Override
    public FieldMasker compile(Schema leaf, Options options, Keyset keyset) {
        Object raw = options.raw("detectors");
        List<Detector> chosen = DETECTORS;
        if (raw != null) {
            if (!(raw instanceof List<?> names) || names.isEmpty()) {
                throw options.error("option 'detectors' must be a non-empty list of " + names());
            }
            for (Object name : names) {
                if (!names().contains(String.valueOf(name))) {
                    throw options.error("option 'detectors' has unknown detector '" + name + "' (known: " + names() + ")");
                }
            }
            chosen = DETECTORS.stream().filter(d -> names.contains(d.name())).toList();
        }
        if (!Technique.isText(leaf)) {
            throw Technique.unsupported(options, leaf);
        }
        List<Detector> detectors = chosen;
        return (value, root) -> scrub(value.toString(), detectors);
    }

    static Set<String> names() {
        return Set.of("iban", "email", "card", "ssn", "phone");
    }

    static String scrub(String text, List<Detector> detectors) {
        String out = text;
        for (Detector detector : detectors) {
            Matcher matcher = detector.pattern().matcher(out);
            StringBuilder replaced = new StringBuilder(out.length());
            while (matcher.find()) {
                String label = detector.check().test(matcher.group()) ? "[" + detector.name().toUpperCase(java.util.Locale.ROOT) + "]" : matcher.group();
                matcher.appendReplacement(replaced, Matcher.quoteReplacement(label));
            }
            matcher.appendTail(replaced);
            out = replaced.toString();
        }
        return out;
    }

    static boolean validIban(String candidate) {
        String iban = candidate.replace(" ", "");
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        StringBuilder numeric = new StringBuilder(rearranged.length() * 2);
        for (char c : rearranged.toCharArray()) {
            numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
        }
        return new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }
}
