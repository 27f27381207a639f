package dev.clearclip.vocabulary;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Prompt templates for the class-name ensemble; "{}" marks where the class name goes. */
public final class PromptTemplates {
    public static final String PLACEHOLDER = "{}";
    // OpenAI CLIP's ImageNet prompt-engineering templates (MIT), the set ClearCLIP averages over
    private static final String IMAGENET_80 = "/clearclip/conf/templates/openai-imagenet-80.txt"; // conf/templates in the repo

    private PromptTemplates() {
    }

    private static final class ImageNet {
        static final List<String> TEMPLATES = read(IMAGENET_80);
    }

    /** the 80 openai_imagenet_template prompts, in their official order */
    public static List<String> imageNet80() {
        return ImageNet.TEMPLATES;
    }

    /** the template with every "{}" replaced by {@code name}, like Python's template.format(name) */
    public static String apply(String template, String name) {
        if (!template.contains(PLACEHOLDER)) {
            throw new IllegalArgumentException("prompt template has no " + PLACEHOLDER + " for the class name: '"
                    + template + "'");
        }
        return template.replace(PLACEHOLDER, name);
    }

    private static List<String> read(String resource) {
        try (InputStream in = PromptTemplates.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class-path resource missing: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
