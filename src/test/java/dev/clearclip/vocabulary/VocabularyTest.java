package dev.clearclip.vocabulary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VocabularyTest {
    private static Path resource(String name) throws URISyntaxException {
        return Path.of(VocabularyTest.class.getResource(name).toURI());
    }

    private static void assertMatchesOfficialQueries(Vocabulary vocabulary, String queriesJson) throws IOException {
        JsonNode expected;
        try (InputStream in = VocabularyTest.class.getResourceAsStream(queriesJson)) {
            expected = new ObjectMapper().readTree(in);
        }
        List<String> words = new ArrayList<>();
        expected.get("query_words").forEach(w -> words.add(w.asText()));
        int[] classOf = new int[expected.get("query_idx").size()];
        for (int i = 0; i < classOf.length; i++) {
            classOf[i] = expected.get("query_idx").get(i).asInt();
        }
        assertEquals(words, vocabulary.queries());
        assertArrayEquals(classOf, vocabulary.classOfQuery());
        assertEquals(expected.get("num_classes").asInt(), vocabulary.size());
    }

    @Test
    void synonymsFileGivesTheOfficialQueriesAndClassIndices() throws Exception {
        Vocabulary v = Vocabulary.load(resource("/fixtures/text/cls_synonyms.txt"));
        assertEquals("cls_synonyms", v.name());
        assertMatchesOfficialQueries(v, "/fixtures/text/synonyms_queries.json");
        assertEquals(new VocabularyClass(0, "background", List.of("background", "sky", "wall", "grass")),
                v.classes().get(0));
        assertEquals(List.of("background", "cat", "dog", "person", "sofa", "table"), v.classNames());
    }

    @Test
    void voc21FileGivesTheOfficialQueriesAndClassIndices() throws Exception {
        assertMatchesOfficialQueries(Vocabulary.load(resource("/fixtures/text/cls_voc21.txt")),
                "/fixtures/text/voc21_queries.json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ade20k:150", "city_scapes:19", "coco_object:81", "coco_stuff:171", "context59:59",
            "context60:60", "voc20:20", "voc21:21"})
    void everyOfficialClassFileParses(String fileAndCount) throws Exception {
        String[] parts = fileAndCount.split(":");
        Vocabulary v = Vocabulary.load(resource("/fixtures/tokenizer/cls_" + parts[0] + ".txt"));
        assertEquals(Integer.parseInt(parts[1]), v.size());
        assertEquals(v.size(), v.queries().size()); // no official file uses synonyms
    }

    @Test
    void namesAreStrippedAndLineEndingsAndBomIgnored() {
        Vocabulary v = Vocabulary.parse("mixed", "\uFEFFcat , kitten\r\n  wood \rtraffic light\n\n\n");
        assertEquals(List.of("cat", "kitten", "wood", "traffic light"), v.queries());
        assertArrayEquals(new int[] {0, 0, 1, 2}, v.classOfQuery());
        assertEquals("cat,kitten\nwood\ntraffic light\n", v.canonicalText());
    }

    @Test
    void sha256IsOfTheCanonicalContent() {
        Vocabulary a = Vocabulary.parse("a", "cat, kitten\ndog\n");
        Vocabulary b = Vocabulary.parse("b", "cat,kitten\r\ndog");
        // printf 'cat,kitten\ndog\n' | sha256sum
        assertEquals("9ab2d3c7d7515db8686d92bb91d3ce144f166d5f97dd94021ccb8904a0e2f3bb", a.sha256());
        assertEquals(a.sha256(), b.sha256());
        assertNotEquals(a.sha256(), Vocabulary.parse("c", "dog\ncat,kitten").sha256());
    }

    private static String error(String content) {
        return assertThrows(IllegalArgumentException.class, () -> Vocabulary.parse("pets", content)).getMessage();
    }

    @Test
    void emptyVocabularyIsRejected() {
        for (String content : List.of("", "\n", "  \n\n")) {
            String message = error(content);
            assertTrue(message.contains("'pets'") && message.contains("no classes"), message);
        }
    }

    @Test
    void emptyLineInTheMiddleIsRejectedWithItsNumber() {
        String message = error("cat\n\ndog\n");
        assertTrue(message.contains("'pets'") && message.contains("line 2") && message.contains("empty line"), message);
    }

    @Test
    void emptyClassNameIsRejectedWithLineAndValue() {
        String message = error("cat\ndog,,puppy\n");
        assertTrue(message.contains("line 2") && message.contains("'dog,,puppy'"), message);
        assertTrue(error("cat,\n").contains("line 1"));
        assertTrue(error(" , cat\n").contains("line 1"));
    }

    @Test
    void duplicateNamesAreRejectedAcrossLinesSynonymsCaseAndSpacing() {
        String acrossLines = error("cat\ndog\nCat\n");
        assertTrue(acrossLines.contains("line 3") && acrossLines.contains("'Cat'") && acrossLines.contains("line 1"),
                acrossLines);
        String synonyms = error("cat,kitten\ndog,KITTEN\n");
        assertTrue(synonyms.contains("line 2") && synonyms.contains("'KITTEN'"), synonyms);
        String withinLine = error("cat,cat\n");
        assertTrue(withinLine.contains("line 1") && withinLine.contains("'cat'"), withinLine);
        String spacing = error("traffic light\ntraffic   light\n");
        assertTrue(spacing.contains("line 2"), spacing);
    }

    @Test
    void loadErrorsNameTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("mine.txt"), "sky\nsky\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("line 2"), e.getMessage());
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.load(latin1));
        assertTrue(e.getMessage().contains(latin1.toString()) && e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void recordsValidateWhenBuiltDirectly() {
        assertThrows(IllegalArgumentException.class, () -> new Vocabulary("v", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Vocabulary(" ", List.of(VocabularyClass.of(0, List.of("a")))));
        assertThrows(IllegalArgumentException.class, () -> new Vocabulary("v", List.of(VocabularyClass.of(1, List.of("a")))));
        assertThrows(IllegalArgumentException.class, () -> new Vocabulary("v",
                List.of(VocabularyClass.of(0, List.of("a", "b", "A")))));
        // a name in two classes: refused in users' files, kept as the official class lists have it (COCO-Object)
        assertEquals(2, new Vocabulary("v", List.of(VocabularyClass.of(0, List.of("a")),
                VocabularyClass.of(1, List.of("A")))).size());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.parse("v", "a\nA\n"));
        assertEquals(2, Vocabulary.parseOfficial("v", "sky, bed\nbed\n").size());
        assertThrows(IllegalArgumentException.class, () -> new VocabularyClass(0, "b", List.of("a", "b")));
        assertThrows(IllegalArgumentException.class, () -> VocabularyClass.of(0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> VocabularyClass.of(0, List.of(" a")));
    }
}
