package io.jitmask.mask;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Builds a string that matches a JSON Schema {@code pattern}, choosing every character and repetition from a keyed
 * digest of the technique's output: the same output gives the same string (joins still work), and nothing of the
 * original can be in it, since the digest is all it is made of.
 *
 * <p>Only a plain subset of ECMA 262 regular expressions is understood: literals, {@code .}, classes ({@code [a-z]},
 * {@code [^@]}, {@code \d \w \s} and their negations), groups with alternatives, the quantifiers {@code ? * + {n}
 * {n,} {n,m}} (lazy or not), and {@code ^}/{@code $} at the ends. Anything else (look-arounds, back references,
 * word boundaries, Unicode properties) is refused when the plan is compiled ({@link #parse} returns null), so the
 * value is not derived and the record is dead-lettered naming the pattern, as before.
 */
final class PatternValues {
    /** Repetitions of an open quantifier ({@code *}, {@code +}, {@code {n,m}}) when no shorter form is asked for. */
    static final int PREFERRED_REPEAT = 16;

    private interface Node {
        /** Appends a match; an open quantifier repeats {@code repeat} times, kept within its bounds. */
        void append(StringBuilder out, IntUnaryOperator choose, int repeat);
    }

    private record Chars(boolean[] allowed, char[] preferred) implements Node {
        @Override
        public void append(StringBuilder out, IntUnaryOperator choose, int repeat) {
            out.append(preferred[choose.applyAsInt(preferred.length)]);
        }
    }

    private record Literal(char c) implements Node {
        @Override
        public void append(StringBuilder out, IntUnaryOperator choose, int repeat) {
            out.append(c);
        }
    }

    private record Sequence(List<Node> nodes) implements Node {
        @Override
        public void append(StringBuilder out, IntUnaryOperator choose, int repeat) {
            nodes.forEach(n -> n.append(out, choose, repeat));
        }
    }

    private record Alternatives(List<Node> options) implements Node {
        @Override
        public void append(StringBuilder out, IntUnaryOperator choose, int repeat) {
            options.get(choose.applyAsInt(options.size())).append(out, choose, repeat);
        }
    }

    private record Repeat(Node node, int min, int max) implements Node {
        @Override
        public void append(StringBuilder out, IntUnaryOperator choose, int repeat) {
            int times = Math.min(max, Math.max(min, repeat));
            for (int i = 0; i < times; i++) {
                node.append(out, choose, repeat);
            }
        }
    }

    private final Node root;

    private PatternValues(Node root) {
        this.root = root;
    }

    /** A generator for {@code pattern}, or null when the pattern uses more than the supported subset. */
    static PatternValues parse(String pattern) {
        try {
            Parser parser = new Parser(pattern);
            Node node = parser.alternatives(true);
            if (parser.at < pattern.length()) {
                return null;
            }
            return new PatternValues(node);
        } catch (Unsupported e) {
            return null;
        }
    }

    /**
     * A matching string whose choices come from {@code choose} (a bound to an index below it); open quantifiers repeat
     * {@code repeat} times within their bounds (0: every repetition at its minimum).
     */
    String value(IntUnaryOperator choose, int repeat) {
        StringBuilder out = new StringBuilder();
        root.append(out, choose, repeat);
        return out.toString();
    }

    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static final class Parser {
        private final String p;
        private int at;

        Parser(String pattern) {
            this.p = pattern;
        }

        Node alternatives(boolean top) {
            List<Node> options = new ArrayList<>();
            options.add(sequence(top));
            while (at < p.length() && p.charAt(at) == '|') {
                at++;
                options.add(sequence(top));
            }
            return options.size() == 1 ? options.get(0) : new Alternatives(options);
        }

        private Node sequence(boolean top) {
            List<Node> nodes = new ArrayList<>();
            if (top && at < p.length() && p.charAt(at) == '^') {
                at++;
            }
            while (at < p.length() && p.charAt(at) != '|' && p.charAt(at) != ')') {
                if (top && p.charAt(at) == '$' && (at + 1 == p.length() || p.charAt(at + 1) == '|')) {
                    at++;
                    break;
                }
                Node atom = atom();
                nodes.add(quantified(atom));
            }
            return nodes.size() == 1 ? nodes.get(0) : new Sequence(nodes);
        }

        private Node quantified(Node atom) {
            if (at >= p.length()) {
                return atom;
            }
            int min;
            int max;
            char c = p.charAt(at);
            if (c == '?' || c == '*' || c == '+') {
                at++;
                min = c == '+' ? 1 : 0;
                max = c == '?' ? 1 : Integer.MAX_VALUE;
            } else if (c == '{' && p.indexOf('}', at) > 0 && p.substring(at + 1, p.indexOf('}', at)).matches("\\d{1,4}(,\\d{0,4})?")) {
                String body = p.substring(at + 1, p.indexOf('}', at));
                at = p.indexOf('}', at) + 1;
                int comma = body.indexOf(',');
                min = Integer.parseInt(comma < 0 ? body : body.substring(0, comma));
                max = comma < 0 ? min : comma == body.length() - 1 ? Integer.MAX_VALUE : Integer.parseInt(body.substring(comma + 1));
                if (max < min) {
                    throw new Unsupported();
                }
            } else {
                return atom;
            }
            if (at < p.length() && p.charAt(at) == '?') {
                at++; // lazy: matches the same strings
            }
            if (at < p.length() && "?*+{".indexOf(p.charAt(at)) >= 0) {
                throw new Unsupported();
            }
            return new Repeat(atom, min, max);
        }

        private Node atom() {
            char c = p.charAt(at++);
            switch (c) {
                case '(':
                    if (p.startsWith("?:", at)) {
                        at += 2;
                    } else if (at < p.length() && p.charAt(at) == '?') {
                        throw new Unsupported(); // look-arounds, named groups
                    }
                    Node inner = alternatives(false);
                    if (at >= p.length() || p.charAt(at) != ')') {
                        throw new Unsupported();
                    }
                    at++;
                    return inner;
                case '[':
                    return charClass();
                case '.':
                    return chars(negate(set("\n\r")));
                case '\\':
                    return escape(false);
                case '^', '$', ')', '*', '+', '?', '{', '}', ']', '|':
                    throw new Unsupported();
                default:
                    return new Literal(c);
            }
        }

        /** After a backslash: a class ({@code \d}) or one escaped character. */
        private Node escape(boolean inClass) {
            if (at >= p.length()) {
                throw new Unsupported();
            }
            char c = p.charAt(at++);
            return switch (c) {
                case 'd' -> chars(range('0', '9'));
                case 'D' -> chars(negate(range('0', '9')));
                case 'w' -> chars(word());
                case 'W' -> chars(negate(word()));
                case 's' -> chars(set(" \t\n\r\f"));
                case 'S' -> chars(negate(set(" \t\n\r\f\u000B")));
                case 'n' -> new Literal('\n');
                case 't' -> new Literal('\t');
                case 'r' -> new Literal('\r');
                case 'f' -> new Literal('\f');
                default -> {
                    if (Character.isLetterOrDigit(c)) {
                        throw new Unsupported(); // word boundaries, back references, Unicode properties, hex escapes
                    }
                    yield new Literal(c);
                }
            };
        }

        private Node charClass() {
            boolean negated = at < p.length() && p.charAt(at) == '^';
            if (negated) {
                at++;
            }
            boolean[] allowed = new boolean[128];
            boolean first = true;
            while (at < p.length() && (p.charAt(at) != ']' || first)) {
                first = false;
                char c = p.charAt(at++);
                boolean[] single;
                if (c == '\\') {
                    Node escaped = escape(true);
                    single = escaped instanceof Chars cs ? cs.allowed() : set(String.valueOf(((Literal) escaped).c()));
                } else {
                    single = null;
                    if (c == '[' || c >= 128) {
                        throw new Unsupported();
                    }
                    if (at + 1 < p.length() && p.charAt(at) == '-' && p.charAt(at + 1) != ']') {
                        char to = p.charAt(at + 1);
                        if (to == '\\' || to >= 128 || to < c) {
                            throw new Unsupported();
                        }
                        at += 2;
                        single = range(c, to);
                    } else {
                        single = set(String.valueOf(c));
                    }
                }
                for (int i = 0; i < 128; i++) {
                    allowed[i] |= single[i];
                }
            }
            if (at >= p.length()) {
                throw new Unsupported();
            }
            at++;
            return chars(negated ? negate(allowed) : allowed);
        }

        /** Letters and digits first, so a value reads like a token; else any printable character allowed. */
        private static Chars chars(boolean[] allowed) {
            StringBuilder alnum = new StringBuilder();
            StringBuilder printable = new StringBuilder();
            StringBuilder any = new StringBuilder();
            for (char c = 0; c < 128; c++) {
                if (!allowed[c]) {
                    continue;
                }
                any.append(c);
                if (c > ' ' && c < 127) {
                    printable.append(c);
                }
                if (Character.isLetterOrDigit(c)) {
                    alnum.append(c);
                }
            }
            String chosen = alnum.length() > 0 ? alnum.toString() : printable.length() > 0 ? printable.toString() : any.toString();
            if (chosen.isEmpty()) {
                throw new Unsupported();
            }
            return new Chars(allowed, chosen.toCharArray());
        }

        private static boolean[] range(char from, char to) {
            boolean[] out = new boolean[128];
            for (char c = from; c <= to; c++) {
                out[c] = true;
            }
            return out;
        }

        private static boolean[] set(String chars) {
            boolean[] out = new boolean[128];
            chars.chars().filter(c -> c < 128).forEach(c -> out[c] = true);
            return out;
        }

        private static boolean[] word() {
            boolean[] out = range('a', 'z');
            boolean[] upper = range('A', 'Z');
            boolean[] digits = range('0', '9');
            for (int i = 0; i < 128; i++) {
                out[i] |= upper[i] || digits[i];
            }
            out['_'] = true;
            return out;
        }

        /** Negation within printable ASCII: generated values never need other characters. */
        private static boolean[] negate(boolean[] in) {
            boolean[] out = new boolean[128];
            for (int i = ' '; i < 127; i++) {
                out[i] = !in[i];
            }
            return out;
        }
    }
}
