package dev.clearclip.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.io.Npy;
import dev.clearclip.vocabulary.PromptTemplates;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Golden parity with the official open_clip tokenizer (fixtures/tokenizer/tokens.json, fixtures/text/*_tokens.npy). */
class ClipTokenizerFixtureTest {
    private final ClipTokenizer tokenizer = ClipTokenizer.bundled();

    static JsonNode json(String resource) throws IOException {
        try (InputStream in = ClipTokenizerFixtureTest.class.getResourceAsStream(resource)) {
            return new ObjectMapper().readTree(in);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    @Test
    void everyOfficialTokensJsonEntryMatches() throws IOException {
        JsonNode entries = json("/fixtures/tokenizer/tokens.json").get("entries");
        assertEquals(1237, entries.size());
        int truncated = 0;
        for (JsonNode e : entries) {
            String text = e.get("text").asText();
            int[] expected = ints(e.get("ids"));
            int[] row = tokenizer.tokenize(text, 77);
            assertArrayEquals(Arrays.copyOf(expected, 77), row, () -> "tokenize(" + text + ")");
            if (e.get("truncated").asBoolean()) {
                truncated++;
                assertEquals(e.get("n_tokens").asInt(), tokenizer.encode(text).length + 2, text);
            } else {
                assertArrayEquals(Arrays.copyOfRange(expected, 1, expected.length - 1), tokenizer.encode(text), text);
            }
        }
        assertEquals(1, truncated);
    }

    @Test
    void voc21TemplatePromptsMatchOfficialTokens() throws IOException {
        checkTemplateTokens("voc21");
    }

    @Test
    void synonymTemplatePromptsMatchOfficialTokens() throws IOException {
        checkTemplateTokens("synonyms");
    }

    private void checkTemplateTokens(String name) throws IOException {
        List<String> words = new ArrayList<>();
        json("/fixtures/text/" + name + "_queries.json").get("query_words").forEach(w -> words.add(w.asText()));
        Npy.Array npy;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/text/" + name + "_tokens.npy")) {
            npy = Npy.read(in, name + "_tokens.npy");
        }
        List<String> templates = PromptTemplates.imageNet80();
        assertArrayEquals(new long[] {words.size(), templates.size(), 77}, npy.shape());
        int[] expected = npy.ints();
        int at = 0;
        for (String word : words) {
            for (String template : templates) {
                String prompt = PromptTemplates.apply(template, word);
                assertArrayEquals(Arrays.copyOfRange(expected, at, at + 77), tokenizer.tokenize(prompt, 77), prompt);
                at += 77;
            }
        }
    }
}
