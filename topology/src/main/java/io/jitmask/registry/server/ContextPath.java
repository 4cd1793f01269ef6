package io.jitmask.registry.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Confluent's {@code /contexts/{ctx}/...} URL prefix (its {@code ContextFilter}): the rest of the path as it would be
 * without the prefix, with the context put where a subject goes. A segment after {@code subjects} becomes
 * {@code :.ctx:subject}; {@code config} and {@code mode} without a subject become the context's own
 * ({@code :.ctx:}); {@code ?subject=} of an id lookup and {@code ?subjectPrefix=} of a listing get the context in
 * front. Names that already carry a context ({@code :.other:x}, {@code :*:}) are left as they are.
 */
final class ContextPath {
    record Rewritten(List<String> path, Map<String, List<String>> query) {
    }

    private ContextPath() {
    }

    /** The context named in a URL ({@code ctx}, {@code .ctx} or {@code :.ctx:}) as {@code .ctx}; the default is {@code .}. */
    static String context(String given) {
        String c = given;
        if (c.startsWith(":")) {
            c = c.substring(1);
        }
        if (c.endsWith(":")) {
            c = c.substring(0, c.length() - 1);
        }
        if (c.contains(":")) {
            throw new RegistryError(400, 400, "Context name '" + c + "' cannot contain a colon");
        }
        return c.startsWith(".") ? c : "." + c;
    }

    /** What a subject of the context starts with: {@code :.ctx:}, nothing for the default context. */
    static String qualifier(String context) {
        return ".".equals(context) ? "" : ":" + context + ":";
    }

    static Rewritten rewrite(String given, List<String> rest, Map<String, List<String>> query) {
        String qualifier = qualifier(context(given));
        List<String> path = new ArrayList<>();
        boolean rootConfigOrMode = rest.get(0).equals("config") || rest.get(0).equals("mode");
        boolean subjectNext = false;
        for (int i = 0; i < rest.size(); i++) {
            String segment = rest.get(i);
            if (subjectNext) {
                path.add(qualified(qualifier, segment));
                subjectNext = false;
                continue;
            }
            path.add(segment);
            subjectNext = segment.equals("subjects") || i == 0 && rootConfigOrMode;
        }
        if (subjectNext && rootConfigOrMode && !qualifier.isEmpty()) {
            path.add(qualifier);
        }
        Map<String, List<String>> q = new LinkedHashMap<>(query);
        String joined = String.join("/", path);
        if (joined.startsWith("schemas/ids")) {
            List<String> subjects = query.getOrDefault("subject", List.of(""));
            q.put("subject", List.of(qualified(qualifier, subjects.isEmpty() ? "" : subjects.get(0))));
        } else if (joined.equals("schemas") || joined.equals("subjects")) {
            List<String> prefixes = query.getOrDefault("subjectPrefix", List.of(""));
            q.put("subjectPrefix", prefixes.stream().map(p -> qualified(qualifier, p)).toList());
        }
        return new Rewritten(path, q);
    }

    private static String qualified(String qualifier, String name) {
        return name.startsWith(":.") || name.startsWith(":*:") ? name : qualifier + name;
    }
}
