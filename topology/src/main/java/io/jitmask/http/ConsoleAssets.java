package io.jitmask.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** The web console's static files, served from the jar ({@code /console/}); a fixed list, so no path reaches elsewhere. */
final class ConsoleAssets {
    record Asset(byte[] bytes, String contentType) {
    }

    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/console.js", "console.js",
            "/console.css", "console.css");

    private ConsoleAssets() {
    }

    /** The asset at a request path, or null. */
    static Asset find(String path) {
        String name = FILES.get(path);
        if (name == null) {
            return null;
        }
        try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                return null;
            }
            return new Asset(in.readAllBytes(), contentType(name));
        } catch (IOException e) {
            return null;
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        return "text/css; charset=utf-8";
    }
}
