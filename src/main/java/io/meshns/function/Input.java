package io.meshns.function;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.error.ErrorCode;
import io.meshns.error.MeshException;

/**
 * A function's JSON input, read field by field so that a caller's mistake (an empty body, a field
 * missing, of the wrong JSON type, or unknown) is answered with a 400 that names it.
 */
final class Input {

    private final JsonNode body;
    private final String function;
    private final List<String> fields;

    private Input(JsonNode body, String function, List<String> fields) {
        this.body = body;
        this.function = function;
        this.fields = fields;
    }

    /** Checks that {@code body} is a JSON object whose fields are all among {@code fields}. */
    static Input of(JsonNode body, String function, String... fields) {
        Input input = new Input(body, function, List.of(fields));
        if (body == null || body.isMissingNode() || body.isNull()) {
            throw ErrorCode.EMPTY_BODY.error(function + " needs a JSON object body, e.g. " + input.example());
        }
        if (!body.isObject()) {
            throw ErrorCode.INVALID_BODY.error(function + " needs a JSON object body, not a JSON "
                    + body.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + "; e.g. " + input.example());
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!input.fields.contains(name)) {
                throw ErrorCode.UNKNOWN_FIELD.error(function + " has no field '" + name + "'; its fields are "
                        + input.fields);
            }
        }
        return input;
    }

    /** The body as given, e.g. for the event ledger's digest of a call's input. */
    JsonNode body() {
        return body;
    }

    String requiredString(String field) {
        String value = optionalString(field);
        if (value == null) {
            throw ErrorCode.MISSING_FIELD.error(function + " needs the string field '" + field + "'; e.g. "
                    + example());
        }
        return value;
    }

    String optionalString(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw wrongType(field, "a string", value);
        }
        return value.textValue();
    }

    /** An optional JSON boolean: false when absent or null. */
    boolean flag(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw wrongType(field, "true or false", value);
        }
        return value.booleanValue();
    }

    /** The same, or null when the field is absent (which callers tell apart from an empty object). */
    Map<String, String> givenStringMap(String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : optionalStringMap(field);
    }

    Map<String, String> optionalStringMap(String field) {
        JsonNode value = body.get(field);
        Map<String, String> map = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return map;
        }
        if (!value.isObject()) {
            throw wrongType(field, "an object of strings", value);
        }
        for (Iterator<Map.Entry<String, JsonNode>> entries = value.fields(); entries.hasNext();) {
            Map.Entry<String, JsonNode> entry = entries.next();
            if (!entry.getValue().isTextual()) {
                throw wrongType(field + "." + entry.getKey(), "a string", entry.getValue());
            }
            map.put(entry.getKey(), entry.getValue().textValue());
        }
        return map;
    }

    /** A list of strings, or null when the field is absent (which callers tell apart from an empty list). */
    List<String> optionalStringList(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw wrongType(field, "an array of strings", value);
        }
        List<String> list = new java.util.ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                throw wrongType(field + "[" + i + "]", "a string", value.get(i));
            }
            list.add(value.get(i).textValue());
        }
        return list;
    }

    private MeshException wrongType(String field, String wanted, JsonNode got) {
        return ErrorCode.WRONG_TYPE.error(function + ": field '" + field + "' must be " + wanted + ", not a JSON "
                + got.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }

    private String example() {
        StringBuilder example = new StringBuilder("{");
        for (String field : fields) {
            example.append(example.length() > 1 ? ", " : "").append('"').append(field).append("\": …");
        }
        return example.append('}').toString();
    }
}
