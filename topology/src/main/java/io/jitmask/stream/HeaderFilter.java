package io.jitmask.stream;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Lets only allow-listed headers through: a header is data too, and may carry what the payload masks. */
public final class HeaderFilter {
    private final Set<String> allowed;

    public HeaderFilter(List<String> allowed) {
        TreeSet<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(allowed);
        this.allowed = names;
    }

    public Headers filter(Headers in) {
        RecordHeaders out = new RecordHeaders();
        for (Header header : in) {
            if (allowed.contains(header.key())) {
                out.add(header.key(), header.value());
            }
        }
        return out;
    }
}
