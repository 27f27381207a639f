package dev.clearclip.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipTokenizerHuggingFaceTest {
    static Path resource(String name) throws URISyntaxException {
        return Path.of(ClipTokenizerHuggingFaceTest.class.getResource("/dev/clearclip/tokenizer/hf/" + name).toURI());
    }

    static ClipTokenizer huggingFace() throws Exception {
        return ClipTokenizer.fromHuggingFace(resource("vocab.json"), resource("merges.txt"));
    }

    @Test
    void givesTheBundledIdsForEveryFixtureText() throws Exception {
        ClipTokenizer hf = huggingFace();
        ClipTokenizer bundled = ClipTokenizer.bundled();
        assertEquals(49406, hf.startOfTextId());
        assertEquals(49407, hf.endOfTextId());
        assertEquals(49408, hf.vocabularySize());
        List<String> texts = new ArrayList<>();
        ClipTokenizerFixtureTest.json("/fixtures/tokenizer/tokens.json").get("entries")
                .forEach(e -> texts.add(e.get("text").asText()));
        JsonNode cases = ClipTokenizerFixtureTest.json("/dev/clearclip/tokenizer/python_cases.json").get("cases");
        cases.forEach(c -> texts.add(c.get("text").asText()));
        for (String text : texts) {
            assertArrayEquals(bundled.tokenize(text, 77), hf.tokenize(text, 77), text);
        }
    }

    @Test
    void folderRouteReadsVocabAndMerges() throws Exception {
        ClipTokenizer hf = ClipTokenizer.fromHuggingFace(resource("vocab.json").getParent());
        assertArrayEquals(ClipTokenizer.bundled().encode("a tvmonitor"), hf.encode("a tvmonitor"));
    }

    @Test
    void mergeWhoseResultIsMissingFromVocabIsRejected(@TempDir Path dir) throws Exception {
        Path merges = dir.resolve("merges.txt");
        Files.writeString(merges, "#version: 0.2\ni n\nzz qq\n", StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipTokenizer.fromHuggingFace(resource("vocab.json"), merges));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("'zzqq'"), e.getMessage());
    }

    @Test
    void malformedMergeLineIsRejected(@TempDir Path dir) throws Exception {
        Path merges = dir.resolve("merges.txt");
        Files.writeString(merges, "#version: 0.2\ni n\nt h e\n", StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipTokenizer.fromHuggingFace(resource("vocab.json"), merges));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("'t h e'"), e.getMessage());
    }

    @Test
    void vocabWithoutSpecialTokensIsRejected(@TempDir Path dir) throws Exception {
        String json = Files.readString(resource("vocab.json"), StandardCharsets.UTF_8)
                .replace("\"<|startoftext|>\"", "\"<|start|>\"");
        Path vocab = Files.writeString(dir.resolve("vocab.json"), json, StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipTokenizer.fromHuggingFace(vocab, resource("merges.txt")));
        assertTrue(e.getMessage().contains("<|startoftext|>"), e.getMessage());
    }

    @Test
    void vocabThatIsNotAJsonObjectIsRejected(@TempDir Path dir) throws Exception {
        Path vocab = Files.writeString(dir.resolve("vocab.json"), "[1, 2]", StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClipTokenizer.fromHuggingFace(vocab, resource("merges.txt")));
        assertTrue(e.getMessage().contains(vocab.toString()), e.getMessage());
    }

    @Test
    void missingFileIsAnIoError(@TempDir Path dir) {
        assertThrows(IOException.class,
                () -> ClipTokenizer.fromHuggingFace(dir.resolve("vocab.json"), resource("merges.txt")));
    }
}
