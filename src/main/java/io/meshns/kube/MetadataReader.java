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

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceList;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;

/**
 * Reads Kubernetes objects from a data-plane cluster keeping only what meshns uses of them: each
 * object's name, resourceVersion and labels (and of a list, its continue token); of a pod, also what
 * its restart impact is judged by. Everything else (managedFields, spec, status, webhooks) is
 * skipped token by token instead of being bound to fabric8's model: a change reads a namespace, the
 * injectors and the pods of every cluster, and describeMesh and reconcile a LIST from every cluster;
 * binding whole objects was most of their CPU, and a pod's volumes, env and managedFields most of
 * its bytes.
 */
final class MetadataReader {

    private static final JsonFactory JSON = new JsonFactory();

    private MetadataReader() {
    }

    /** A NamespaceList. */
    static NamespaceList namespaces(byte[] body) throws IOException {
        NamespaceList list = new NamespaceList();
        ListMeta meta = new ListMeta();
        list.setItems(items(body, parser -> readObject(parser, Namespace::new), meta));
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
        return items(body, parser -> readObject(parser, MutatingWebhookConfiguration::new), new ListMeta());
    }

    /**
     * A PodList. Each pod keeps, besides its name, resourceVersion and labels: its namespace,
     * annotations, controller (owner references), deletion time, its containers' and init
     * containers' names, and its phase ({@code ProxyMismatch}, {@code Workloads}).
     */
    static List<Pod> pods(byte[] body) throws IOException {
        return pods(body, new ListMeta());
    }

    /** The same, the list's continue token going to {@code meta}. */
    static List<Pod> pods(byte[] body, ListMeta meta) throws IOException {
        return items(body, MetadataReader::readPod, meta);
    }

    /**
     * A list of any kind, as a PartialObjectMetadataList (what an API server sends when asked for
     * only the metadata) or as whole objects (what one sends that cannot): of each item its name,
     * resourceVersion, labels and creation time; the list's continue token goes to {@code meta}.
     */
    static List<ObjectMeta> metadata(byte[] body, ListMeta meta) throws IOException {
        return items(body, MetadataReader::readItemMetadata, meta);
    }

    /** Reads one item, the parser at its opening brace. */
    private interface ItemReader<T> {
        T read(JsonParser parser) throws IOException;
    }

    private static <T> List<T> items(byte[] body, ItemReader<T> readItem, ListMeta meta) throws IOException {
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
                        items.add(readItem.read(parser));
                    }
                } else {
                    parser.skipChildren();
                }
            }
            return items;
        }
    }

    private static Pod readPod(JsonParser parser) throws IOException {
        Pod pod = new Pod();
        ObjectMeta meta = new ObjectMeta();
        pod.setMetadata(meta);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                continue;
            }
            switch (field) {
                case "metadata" -> readPodMeta(parser, meta);
                case "spec" -> pod.setSpec(readPodSpec(parser));
                case "status" -> pod.setStatus(readPodStatus(parser));
                default -> parser.skipChildren();
            }
        }
        return pod;
    }

    /** A pod's metadata: what every object keeps ({@link #readMetaField}), and what its restart impact needs. */
    private static void readPodMeta(JsonParser parser, ObjectMeta meta) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "namespace" -> meta.setNamespace(text(parser));
                case "deletionTimestamp" -> meta.setDeletionTimestamp(text(parser));
                case "annotations" -> meta.setAnnotations(value == JsonToken.START_OBJECT ? readLabels(parser) : skipped(parser));
                case "ownerReferences" -> meta.setOwnerReferences(value == JsonToken.START_ARRAY ? readOwners(parser) : skipped(parser));
                default -> readMetaField(parser, field, value, meta);
            }
        }
    }

    private static List<OwnerReference> readOwners(JsonParser parser) throws IOException {
        List<OwnerReference> owners = new ArrayList<>();
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            OwnerReference owner = new OwnerReference();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "apiVersion" -> owner.setApiVersion(text(parser));
                    case "kind" -> owner.setKind(text(parser));
                    case "name" -> owner.setName(text(parser));
                    case "uid" -> owner.setUid(text(parser));
                    case "controller" -> owner.setController(value == JsonToken.VALUE_TRUE ? Boolean.TRUE
                            : value == JsonToken.VALUE_FALSE ? Boolean.FALSE : null);
                    default -> parser.skipChildren();
                }
            }
            owners.add(owner);
        }
        return owners;
    }

    /** Of a pod's spec, only its containers and init containers, by name. */
    private static PodSpec readPodSpec(JsonParser parser) throws IOException {
        PodSpec spec = new PodSpec();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.START_ARRAY && field.equals("containers")) {
                spec.setContainers(readContainerNames(parser));
            } else if (value == JsonToken.START_ARRAY && field.equals("initContainers")) {
                spec.setInitContainers(readContainerNames(parser));
            } else {
                parser.skipChildren();
            }
        }
        return spec;
    }

    private static List<Container> readContainerNames(JsonParser parser) throws IOException {
        List<Container> containers = new ArrayList<>();
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            Container container = new Container();
            container.setName(onlyField(parser, "name"));
            containers.add(container);
        }
        return containers;
    }

    private static PodStatus readPodStatus(JsonParser parser) throws IOException {
        PodStatus status = new PodStatus();
        status.setPhase(onlyField(parser, "phase"));
        return status;
    }

    /** Of the object the parser is in, the text of one field; every other field is skipped. */
    private static String onlyField(JsonParser parser, String wanted) throws IOException {
        String found = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (field.equals(wanted)) {
                found = text(parser);
            } else {
                parser.skipChildren();
            }
        }
        return found;
    }

    /** Skips what the parser is at (a value of the wrong shape, or null) and gives null. */
    private static <T> T skipped(JsonParser parser) throws IOException {
        parser.skipChildren();
        return null;
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

    /** Of an item, its metadata only: what every object keeps ({@link #readMetaField}) and its creation time. */
    private static ObjectMeta readItemMetadata(JsonParser parser) throws IOException {
        ObjectMeta meta = new ObjectMeta();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            if (parser.nextToken() != JsonToken.START_OBJECT || !"metadata".equals(field)) {
                parser.skipChildren();
                continue;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String metaField = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("creationTimestamp".equals(metaField)) {
                    meta.setCreationTimestamp(text(parser));
                } else {
                    readMetaField(parser, metaField, value, meta);
                }
            }
        }
        return meta;
    }

    private static void readMeta(JsonParser parser, ObjectMeta meta) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            readMetaField(parser, field, parser.nextToken(), meta);
        }
    }

    /** One field of an object's metadata, the parser at its {@code value}: name, resourceVersion and labels are kept. */
    private static void readMetaField(JsonParser parser, String field, JsonToken value, ObjectMeta meta) throws IOException {
        switch (field) {
            case "name" -> meta.setName(text(parser));
            case "resourceVersion" -> meta.setResourceVersion(text(parser));
            case "labels" -> {
                if (value == JsonToken.START_OBJECT) {
                    meta.setLabels(readLabels(parser));
                } else {
                    parser.skipChildren();
                }
            }
            default -> parser.skipChildren();
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
