package io.meshns.kube;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceList;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;

/**
 * Reads Kubernetes objects from a data-plane cluster keeping only what meshns uses of them: each
 * object's name, resourceVersion and labels (and of a list, its continue token). Everything else
 * (managedFields, annotations, spec, status, webhooks) is skipped token by token instead of being
 * bound to fabric8's model: a change reads a namespace and the injectors of every cluster, and
 * describeMesh and reconcile a LIST from every cluster; binding whole objects was most of their CPU.
 */
final class MetadataReader {

    private static final JsonFactory JSON = new JsonFactory();

    private MetadataReader() {
    }

    /** A NamespaceList. */
    static NamespaceList namespaces(byte[] body) throws IOException {
        NamespaceList list = new NamespaceList();
        ListMeta meta = new ListMeta();
        list.setItems(items(body, Namespace::new, meta));
        list.setMetadata(meta);
        return list;
    }

    /** One Namespace. */
    static Namespace namespace(byte[] body) throws IOException {
        try (JsonParser parser = JSON.createParser(body)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            return readObject(parser, Namespace::new);
        }
    }

    /** A MutatingWebhookConfigurationList: which injectors a cluster has is in their names and labels. */
    static List<MutatingWebhookConfiguration> webhooks(byte[] body) throws IOException {
        return items(body, MutatingWebhookConfiguration::new, new ListMeta());
    }

    private static <T extends HasMetadata> List<T> items(byte[] body, Supplier<T> make, ListMeta meta) throws IOException {
        try (JsonParser parser = JSON.createParser(body)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            List<T> items = new ArrayList<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
                    readListMeta(parser, meta);
                } else if ("items".equals(field) && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        items.add(readObject(parser, make));
                    }
                } else {
                    parser.skipChildren();
                }
            }
            return items;
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

    private static <T extends HasMetadata> T readObject(JsonParser parser, Supplier<T> make) throws IOException {
        T object = make.get();
        ObjectMeta meta = new ObjectMeta();
        object.setMetadata(meta);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
                readMeta(parser, meta);
            } else {
                parser.skipChildren();
            }
        }
        return object;
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
            throw new IOException("not a Kubernetes object: expected " + wanted + ", found " + token);
        }
    }
}
