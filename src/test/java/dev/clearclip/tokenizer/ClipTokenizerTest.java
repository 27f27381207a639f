package dev.clearclip.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipTokenizerTest {
    private final ClipTokenizer tokenizer = ClipTokenizer.bundled();

    @Test
    void bundledIsOneSharedInstanceWithOpenAiIds() {
        assertSame(tokenizer, ClipTokenizer.bundled());
        assertEquals(49406, tokenizer.startOfTextId());
        assertEquals(49407, tokenizer.endOfTextId());
        assertEquals(49408, tokenizer.vocabularySize());
    }

    @Test
    void rowIsStartIdsEndThenZeros() {
        int[] row = tokenizer.tokenize("a photo of a cat.", 10);
        assertArrayEquals(new int[] {49406, 320, 1125, 539, 320, 2368, 269, 49407, 0, 0}, row);
        assertArrayEquals(new int[] {49406, 49407, 0, 0}, tokenizer.tokenize("", 4));
        assertEquals(77, tokenizer.tokenize("cat").length);
    }

    @Test
    void batchGivesOneRowPerText() {
        int[][] rows = tokenizer.tokenize(List.of("cat", "", "a photo of a cat."), 77);
        assertEquals(3, rows.length);
        for (int[] row : rows) {
            assertEquals(77, row.length);
        }
        assertArrayEquals(tokenizer.tokenize("a photo of a cat.", 77), rows[2]);
    }

    @Test
    void truncationKeepsTheFirstIdsAndEndsWithEndOfText() {
        // "a photo of a cat." is 6 BPE ids
        assertArrayEquals(new int[] {49406, 320, 1125, 539, 320, 2368, 269, 49407}, tokenizer.tokenize("a photo of a cat.", 8));
        assertArrayEquals(new int[] {49406, 320, 1125, 539, 320, 2368, 49407}, tokenizer.tokenize("a photo of a cat.", 7));
        assertArrayEquals(new int[] {49406, 49407}, tokenizer.tokenize("a photo of a cat.", 2));
    }

    @Test
    void contextLengthBelowTwoIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tokenizer.tokenize("cat", 1));
        assertTrue(e.getMessage().contains("1"), e.getMessage());
    }

    @Test
    void unpairedSurrogateIsRejectedLikePythonEncode() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("cat\uD800"));
        assertTrue(e.getMessage().contains("surrogate"), e.getMessage());
    }

    @Test
    void typedSpecialMarkersBecomeTheirIdsAsInOpenClip() {
        assertArrayEquals(new int[] {49406, 3306, 49407}, tokenizer.encode("<start_of_text>hello<end_of_text>"));
    }

    @Test
    void concurrentUseGivesTheSameIdsAsSequentialUse() throws Exception {
        // a fresh tokenizer so that the BPE cache fills while threads race on it
        ClipTokenizer fresh = ClipTokenizerHuggingFaceTest.huggingFace();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            texts.add("photo number " + i + " of a " + (char) ('a' + i % 26) + "xylophone" + i % 37 + " and cats");
        }
        List<int[]> expected = texts.stream().map(t -> tokenizer.tokenize(t, 77)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<int[]>> futures = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (String text : texts) {
                    futures.add(pool.submit(() -> fresh.tokenize(text, 77)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertArrayEquals(expected.get(i % texts.size()), futures.get(i).get(), texts.get(i % texts.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
