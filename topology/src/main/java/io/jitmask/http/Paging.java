package io.jitmask.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Pages of a list read by the API. Every item has a position, a string whose lexical order is the list's order
 * and which is the same on every instance (built from what the item is, never from where this instance keeps it),
 * so a cursor handed out by one instance means the same on another. The cursor is the position of the last item
 * served, base64url-encoded so clients treat it as opaque.
 */
final class Paging {
    static final int MAX_LIMIT = 1000;

    private Paging() {
    }

    record Page<T>(List<T> items, String next) {
        /** Puts the page's items under {@code field} and, when there is more, {@code next}. */
        ObjectNode body(String field, Function<T, ?> view) {
            ObjectNode body = ApiJson.object();
            body.set(field, ApiJson.MAPPER.valueToTree(items.stream().map(view).toList()));
            if (next != null) {
                body.put("next", next);
            }
            return body;
        }
    }

    /** The first {@code limit} items after the cursor, in position order. */
    static <T> Page<T> forward(List<T> items, Function<T, String> position, String cursor, int limit) {
        String after = decode(cursor);
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(position));
        List<T> page = new ArrayList<>();
        boolean more = false;
        for (T item : sorted) {
            if (after != null && position.apply(item).compareTo(after) <= 0) {
                continue;
            }
            if (page.size() == limit) {
                more = true;
                break;
            }
            page.add(item);
        }
        return new Page<>(page, more ? encode(position.apply(page.get(page.size() - 1))) : null);
    }

    /**
     * The last {@code limit} items before the cursor, still in position order (a trail read newest page first,
     * each page oldest first); {@code next} leads to the older page.
     */
    static <T> Page<T> backward(List<T> items, Function<T, String> position, String cursor, int limit) {
        String before = decode(cursor);
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(position));
        int end = sorted.size();
        if (before != null) {
            end = 0;
            while (end < sorted.size() && position.apply(sorted.get(end)).compareTo(before) < 0) {
                end++;
            }
        }
        int start = Math.max(0, end - limit);
        List<T> page = List.copyOf(sorted.subList(start, end));
        return new Page<>(page, start > 0 ? encode(position.apply(page.get(0))) : null);
    }

    /** The {@code limit} query parameter: 1 to {@link #MAX_LIMIT}, or the default. */
    static int limit(ApiRequest call, int defaultLimit) {
        String value = call.queryParam("limit");
        if (value == null) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw ApiException.badRequest("'limit' must be a whole number from 1 to " + MAX_LIMIT);
    }

    /** Zero-padded, so that numbers sort as text. */
    static String pad(long value) {
        return String.format("%020d", value);
    }

    static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    /** The position a cursor stands for, or null for none; 400 for anything this API did not hand out. */
    static String decode(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            String position = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!position.isEmpty() && position.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                return position;
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error
        }
        throw ApiException.badRequest("'cursor' must be a 'next' value this API returned");
    }
}
