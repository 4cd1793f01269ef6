package io.jitmask.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A method and a path template such as {@code /api/requests/{id}/approve}, with the handler that serves it. */
public record Route(String method, String template, Handler handler) {
    /** Serves one route. */
    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request);
    }

    private static final Pattern PARAM = Pattern.compile("\\{([a-zA-Z]+)}");
    private static final String SEGMENT = "([A-Za-z0-9._-]+)";

    /** Path parameters by name when {@code path} matches this route's template, else null. */
    Map<String, String> match(String path) {
        List<String> names = new ArrayList<>();
        Matcher params = PARAM.matcher(template);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (params.find()) {
            regex.append(Pattern.quote(template.substring(last, params.start()))).append(SEGMENT);
            names.add(params.group(1));
            last = params.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        Matcher m = Pattern.compile(regex.toString()).matcher(path);
        if (!m.matches()) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            values.put(names.get(i), m.group(i + 1));
        }
        return values;
    }
}
