package io.meshns.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README, docs/ and BENCHMARKS.md link to each other by relative paths and #heading anchors:
 * every such link must lead somewhere, and the README must stay a front door, not a manual.
 */
class DocLinksTest {

    private static final int README_MOST_LINES = 300;

    /** [text](target) and ![alt](target), with an optional "title". */
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern CODE_SPAN = Pattern.compile("`+[^`]*`+");
    /** What GitHub drops from a heading to make its anchor: everything but letters, marks, digits, '_', '-' and spaces. */
    private static final Pattern NOT_IN_SLUG = Pattern.compile("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]");

    @Test
    void everyRelativeLinkLeadsToAFileAndHeadingThatExist() {
        List<String> broken = new ArrayList<>();
        List<Path> documents = documents();
        assertTrue(documents.size() > 3, "found only " + documents);
        for (Path document : documents) {
            for (String target : links(read(document))) {
                String problem = problem(document, target);
                if (problem != null) {
                    broken.add(document + ": (" + target + ") " + problem);
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void theReadmeStaysAFrontDoor() {
        long lines = read(Path.of("README.md")).lines().count();
        assertTrue(lines <= README_MOST_LINES, "README.md has " + lines + " lines; keep it at most " + README_MOST_LINES
                + " and move the rest to docs/");
    }

    @Test
    void anchorsAreMadeAsGitHubMakesThem() {
        Map<String, String> cases = Map.of(
                "The two commands", "the-two-commands",
                "CloudEvents (Knative)", "cloudevents-knative",
                "3. Start and memory (JVM, `java -jar target/quarkus-app/quarkus-run.jar`)",
                "3-start-and-memory-jvm-java--jar-targetquarkus-appquarkus-runjar",
                "7. Large clusters: reconcile and describeMesh over clusters of 50,000 namespaces",
                "7-large-clusters-reconcile-and-describemesh-over-clusters-of-50000-namespaces",
                "JVM flags and the collector", "jvm-flags-and-the-collector",
                "look_before – change", "look_before--change");
        cases.forEach((heading, slug) -> assertEquals(slug, slug(heading), heading));
    }

    @Test
    void aLinkToAMissingFileOrHeadingIsFound() {
        Path readme = Path.of("README.md");
        assertEquals(null, problem(readme, "docs/reference.md#errors"));
        assertTrue(problem(readme, "docs/no-such-file.md") != null);
        assertTrue(problem(readme, "docs/reference.md#no-such-heading") != null);
        assertTrue(problem(readme, "#no-such-heading") != null);
    }

    /** README.md, BENCHMARKS.md and every docs/*.md. */
    private static List<Path> documents() {
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md"), Path.of("BENCHMARKS.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    /** Why {@code target}, linked from {@code document}, leads nowhere; null when it leads somewhere. */
    private static String problem(Path document, String target) {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return null; // http:, https:, mailto:: not ours to check
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? document : document.toAbsolutePath().getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (anchor == null) {
            return null;
        }
        if (!resolved.toString().endsWith(".md")) {
            return "an anchor into a file that is not Markdown";
        }
        return anchors(read(resolved)).contains(anchor) ? null : "no heading with that anchor";
    }

    /** The targets of every link outside code blocks and code spans. */
    static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        for (String line : prose(markdown)) {
            Matcher link = LINK.matcher(CODE_SPAN.matcher(line).replaceAll("code"));
            while (link.find()) {
                targets.add(link.group(1));
            }
        }
        return targets;
    }

    /** The anchors GitHub gives the headings of {@code markdown}: a repeated one gets -1, -2, … */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(markdown)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int times = seen.merge(slug, 1, Integer::sum);
                anchors.add(times == 1 ? slug : slug + "-" + (times - 1));
            }
        }
        return anchors;
    }

    /** GitHub's anchor for a heading: lower case, punctuation and symbols dropped, spaces as '-'. */
    static String slug(String heading) {
        String text = heading.replace("`", "").toLowerCase(Locale.ROOT);
        return NOT_IN_SLUG.matcher(text).replaceAll("").replace(' ', '-');
    }

    /** The lines of {@code markdown} outside fenced code blocks. */
    private static List<String> prose(String markdown) {
        List<String> lines = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.lines().toList()) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
