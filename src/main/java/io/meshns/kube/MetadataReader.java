package io.meshns.kube;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceList;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * Reads a cluster's NamespaceList keeping of each namespace only what meshns uses: its name,
 * resourceVersion and labels (and of the list, its continue token). Everything else (managedFields,
 * annotations, spec, status) is skipped token by token instead of being bound to fabric8's model:
 * describeMesh and reconcile read a LIST from every cluster, and binding whole namespaces was most
 * of their CPU.
 */
final class NamespaceListReader {

    private static final JsonFactory JSON = new JsonFactory();

    private NamespaceListReader() {
    }

    static NamespaceList read(byte[] body) throws IOException {
        try (JsonParser parser = JSON.createParser(body)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            NamespaceList list = new NamespaceList();
            ListMeta meta = new ListMeta();
            List<Namespace> items = new ArrayList<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
                    readListMeta(parser, meta);
                } else if ("items".equals(field) && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        items.add(readNamespace(parser));
                    }
                } else {
                    parser.skipChildren();
                }
            }
            list.setMetadata(meta);
            list.setItems(items);
            return list;
        }
    }

    private static void readListMeta(JsonParser parser, ListMeta meta) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "continue" -> meta.setContinue(text(parser));
                case "resourceVersion" -> meta.setResourceVersion(text(parser));
                default -> parser.skipChildren();
            }
        }
    }

    private static Namespace readNamespace(JsonParser parser) throws IOException {
        Namespace namespace = new Namespace();
        ObjectMeta meta = new ObjectMeta();
        namespace.setMetadata(meta);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
                readMeta(parser, meta);
            } else {
                parser.skipChildren();
            }
        }
        return namespace;
    }

    private static void readMeta(JsonParser parser, ObjectMeta meta) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "name" -> meta.setName(text(parser));
                case "resourceVersion" -> meta.setResourceVersion(text(parser));
                case "labels" -> {
                    if (value == JsonToken.START_OBJECT) {
                        meta.setLabels(readLabels(parser));
                    }
                }
                default -> parser.skipChildren();
            }
        }
    }

    private static Map<String, String> readLabels(JsonParser parser) throws IOException {
        Map<String, String> labels = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            parser.nextToken();
            labels.put(key, text(parser));
        }
        return labels;
    }

    /** A scalar's text; null for null, and for an object or array (skipped), which no such field should be. */
    private static String text(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            parser.skipChildren();
            return null;
        }
        return token == JsonToken.VALUE_NULL ? null : parser.getText();
    }

    private static void expect(JsonToken token, JsonToken wanted) throws IOException {
        if (token != wanted) {
            throw new IOException("not a NamespaceList: expected " + wanted + ", found " + token);
        }
    }
}
