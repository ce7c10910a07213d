package io.jvmhealth.agent.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses JSON text into maps, lists, strings, numbers and booleans, for assertions. */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new AssertionError("not a JSON object: " + text);
        }
        return (Map<String, Object>) value;
    }

    public static Object parse(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            p.nextToken();
            Object value = read(p);
            if (p.nextToken() != null) {
                throw new AssertionError("trailing content after JSON value: " + text);
            }
            return value;
        } catch (IOException e) {
            throw new AssertionError("invalid JSON: " + text, e);
        }
    }

    /** The value at a path of object keys, e.g. {@code at(body, "checks", "heap", "status")}; null where absent. */
    @SuppressWarnings("unchecked")
    public static Object at(Map<String, Object> object, String... keys) {
        Object current = object;
        for (String key : keys) {
            if (!(current instanceof Map)) {
                return null;
            }
            current = ((Map<String, Object>) current).get(key);
        }
        return current;
    }

    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    map.put(name, read(p));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected token " + t);
        }
    }
}
