package dev.clearclip.vocabulary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PromptTemplatesTest {
    @Test
    void imageNet80AreTheOfficialTemplatesInOrder() throws IOException {
        JsonNode all;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/tokenizer/templates.json")) {
            all = new ObjectMapper().readTree(in);
        }
        String key = all.properties().stream().map(e -> e.getKey())
                .filter(k -> k.startsWith("openai_imagenet_template")).findFirst().orElseThrow();
        List<String> expected = new ArrayList<>();
        all.get(key).forEach(t -> expected.add(t.asText().replace("{c}", "{}")));
        assertEquals(80, expected.size());
        assertEquals(expected, PromptTemplates.imageNet80());
    }

    @Test
    void applyPutsTheNameAtThePlaceholder() {
        assertEquals("a bad photo of a cat.", PromptTemplates.apply("a bad photo of a {}.", "cat"));
        assertEquals("a photo of a traffic light.", PromptTemplates.apply(PromptTemplates.imageNet80().get(0)
                .replace("bad ", ""), "traffic light"));
    }

    @Test
    void templateWithoutPlaceholderIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PromptTemplates.apply("a photo of a cat.", "dog"));
        assertTrue(e.getMessage().contains("a photo of a cat."), e.getMessage());
    }
}
