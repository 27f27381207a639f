package dev.clearclip.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.clearclip.weights.ClipConfig;

import java.io.IOException;
import java.nio.file.Path;

/** Reading a model folder's config JSON with errors that name the file and the field. */
final class ConfigJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    ConfigJson(Path file) {
        this.file = file;
    }

    static JsonNode read(Path file) {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new WeightsException("model config " + file + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new WeightsException("cannot read model config " + file + ": " + e.getMessage(), e);
        }
    }

    /** The first present child of {@code parent} among {@code names}, or a missing node. */
    static JsonNode child(JsonNode parent, String... names) {
        for (String name : names) {
            JsonNode n = parent.get(name);
            if (n != null && !n.isNull()) {
                return n;
            }
        }
        return MissingNode.getInstance();
    }

    int intOr(JsonNode node, String field, int fallback) {
        JsonNode n = node.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber()) {
            throw new WeightsException(file + ": " + field + " must be an integer, got " + n);
        }
        return n.asInt();
    }

    String textOr(JsonNode node, String field, String fallback) {
        JsonNode n = node.get(field);
        return n == null || n.isNull() ? fallback : n.asText();
    }

    /** Fails when the config declares a size the weights contradict (e.g. a config for another model). */
    void checkDeclared(JsonNode node, String label, String field, int fromShapes) {
        JsonNode n = node.get(field);
        if (n != null && n.isIntegralNumber() && n.asInt() != fromShapes) {
            throw new WeightsException(file + ": " + label + field + " is " + n.asInt()
                    + " but the weights have " + fromShapes);
        }
    }

    ClipConfig.Activation activation(String name, String field) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "quick_gelu", "quickgelu" -> ClipConfig.Activation.QUICK_GELU;
            case "gelu" -> ClipConfig.Activation.GELU;
            default -> throw new WeightsException(file + ": " + field + " " + name
                    + " is not supported (quick_gelu or gelu)");
        };
    }

    /** Builds the config, turning its validation errors into errors about this file. */
    ClipConfig build(java.util.function.Supplier<ClipConfig> builder) {
        try {
            return builder.get();
        } catch (IllegalArgumentException e) {
            throw new WeightsException(file + " does not fit the weights: " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }
}
