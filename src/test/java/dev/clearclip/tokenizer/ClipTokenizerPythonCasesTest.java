package dev.clearclip.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Python's own html.unescape / \s / lower() / \p{L} semantics on inputs the official fixtures lack (make_python_cases.py). */
class ClipTokenizerPythonCasesTest {
    @Test
    void cleaningAndIdsMatchPython() throws IOException {
        JsonNode cases = ClipTokenizerFixtureTest.json("/dev/clearclip/tokenizer/python_cases.json").get("cases");
        assertTrue(cases.size() > 60);
        ClipTokenizer tokenizer = ClipTokenizer.bundled();
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            assertEquals(c.get("cleaned").asText(), TextCleaner.clean(text), () -> "clean(" + text + ")");
            assertArrayEquals(ClipTokenizerFixtureTest.ints(c.get("ids")), tokenizer.encode(text),
                    () -> "encode(" + text + ")");
        }
    }
}
