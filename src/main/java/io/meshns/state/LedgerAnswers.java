package io.meshns.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.ConfigMap;

/** How the event ledger keeps an answer in its entry: gzipped, base64-encoded, within what a ConfigMap holds. */
final class LedgerAnswers {

    /** The entry's binaryData key. */
    static final String KEY = "answer.gz";
    /** A ConfigMap holds at most 1 MiB; an answer beyond this is kept without its lists. */
    static final int MAX_ANSWER_BYTES = 900 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private LedgerAnswers() {
    }

    /** The answer an entry holds; null when it has none yet (or one that cannot be read). */
    static String of(ConfigMap entry) {
        String stored = entry.getBinaryData() == null ? null : entry.getBinaryData().get(KEY);
        if (stored == null) {
            return null;
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(stored)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The answer gzipped and base64-encoded, as stored. One too big even so (a registerCluster of
     * hundreds of thousands of namespaces) is kept without its lists, which a redelivery then lacks.
     */
    static String storable(String answer) {
        String stored = gzip(answer);
        if (stored.length() <= MAX_ANSWER_BYTES) {
            return stored;
        }
        try {
            JsonNode tree = JSON.readTree(answer);
            if (tree instanceof ObjectNode object) {
                object.properties().removeIf(field -> field.getValue().isArray());
                return gzip(object.toString());
            }
        } catch (IOException e) {
            // not JSON: nothing to slim
        }
        return gzip("{}");
    }

    private static String gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
