package io.meshns.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console's own files, as the page reaches them: index.html, what it links (style, icon, the
 * entry module) and every module the modules import. Found from the files themselves, so that a new
 * module is in the list as soon as the page imports it.
 */
final class ConsoleFiles {

    private static final Pattern LINKED = Pattern.compile("(?:href|src)=\"(console/[^\"]+)\"");
    /** A static import or re-export of a sibling module: {@code import … from "./x.js"}, {@code import "./x.js"}. */
    private static final Pattern IMPORTED = Pattern.compile("(?:\\bfrom|^\\s*import)\\s*\"\\./([^\"]+)\"", Pattern.MULTILINE);

    private ConsoleFiles() {
    }

    /** The paths the console serves for the page, "/index.html" first. */
    static Set<String> all() {
        Set<String> files = new LinkedHashSet<>();
        files.add("/index.html");
        Deque<String> modules = new ArrayDeque<>();
        Matcher linked = LINKED.matcher(read("/index.html"));
        while (linked.find()) {
            String path = "/" + linked.group(1);
            if (files.add(path) && path.endsWith(".js")) {
                modules.add(path);
            }
        }
        while (!modules.isEmpty()) {
            Matcher imported = IMPORTED.matcher(read(modules.poll()));
            while (imported.find()) {
                String path = "/console/" + imported.group(1);
                if (files.add(path)) {
                    modules.add(path);
                }
            }
        }
        return files;
    }

    /** The scripts among them. */
    static Set<String> scripts() {
        Set<String> scripts = new LinkedHashSet<>(all());
        scripts.removeIf(path -> !path.endsWith(".js"));
        return scripts;
    }

    private static String read(String path) {
        try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream("META-INF/resources" + path)) {
            if (in == null) {
                throw new AssertionError("the page refers to " + path + ", which is not among the console's files");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
