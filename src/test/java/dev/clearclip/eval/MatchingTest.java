package dev.clearclip.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class MatchingTest {
    @Test
    void matchesByIdThenByUniqueStem() {
        Matching m = Matching.of(List.of("a/1", "x/2", "3", "nogt"),
                List.of("a/1.png", "b/2.png", "c/3.png", "d/4.png"), GroundTruthLayout.VOC21);
        assertEquals(List.of(new Matching.Pair("a/1", "a/1.png"), new Matching.Pair("x/2", "b/2.png"),
                new Matching.Pair("3", "c/3.png")), m.pairs());
        assertEquals(List.of("nogt"), m.unmatchedPredictions());
        assertEquals(List.of("d/4.png"), m.unmatchedGroundTruth());
    }

    @Test
    void ambiguousStemsAreNotGuessed() {
        Matching m = Matching.of(List.of("p/1"), List.of("a/1.png", "b/1.png"), GroundTruthLayout.VOC21);
        assertEquals(List.of(), m.pairs());
        assertEquals(List.of("p/1"), m.unmatchedPredictions());
        assertEquals(2, m.unmatchedGroundTruth().size());
    }

    @Test
    void cityscapesSuffixesAreDroppedOnBothSides() {
        Matching m = Matching.of(List.of("frankfurt/frankfurt_000000_000294_leftImg8bit"),
                List.of("frankfurt/frankfurt_000000_000294_gtFine_labelIds.png"), GroundTruthLayout.CITYSCAPES);
        assertEquals(1, m.pairs().size());
    }
}
