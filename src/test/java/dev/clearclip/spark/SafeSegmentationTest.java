package dev.clearclip.spark;

import dev.clearclip.inference.ImageInput;
import dev.clearclip.inference.ImageOutcome;
import dev.clearclip.inference.ImageSegmenter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A segmenter that throws on a batch must cost only the image that made it throw. */
class SafeSegmentationTest {

    /** Throws whenever a batch contains a uri with "poison"; otherwise a 1x1 "ok". */
    static class Fragile implements ImageSegmenter {
        final List<Integer> calls = new ArrayList<>();

        @Override
        public List<ImageOutcome> segment(List<ImageInput> images) {
            calls.add(images.size());
            List<ImageOutcome> out = new ArrayList<>();
            for (ImageInput i : images) {
                if (i.uri().contains("poison")) {
                    throw new IllegalStateException("native error on " + i.uri());
                }
                out.add(new ImageOutcome(i.uri(), 1, 1, null, List.of()));
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void batchFallsBackToOneImageAtATime() {
        Fragile fragile = new Fragile();
        List<ImageInput> batch = List.of(new ImageInput("a", new byte[1]), new ImageInput("poison", new byte[1]),
                new ImageInput("c", new byte[1]));
        List<ImageOutcome> out = SafeSegmentation.segment(fragile, batch);
        assertEquals(List.of("a", "poison", "c"), out.stream().map(ImageOutcome::uri).toList());
        assertTrue(out.get(0).ok() && out.get(2).ok());
        assertFalse(out.get(1).ok());
        assertTrue(out.get(1).error().contains("native error on poison"), out.get(1).error());
        assertEquals(List.of(3, 1, 1, 1), fragile.calls);
    }

    @Test
    void aWrongNumberOfOutcomesIsTreatedAsAFailure() {
        ImageSegmenter short1 = new Fragile() {
            @Override
            public List<ImageOutcome> segment(List<ImageInput> images) {
                return images.size() > 1 ? List.of() : super.segment(images);
            }
        };
        List<ImageOutcome> out = SafeSegmentation.segment(short1, List.of(new ImageInput("a", new byte[0]),
                new ImageInput("b", new byte[0])));
        assertTrue(out.get(0).ok() && out.get(1).ok());
    }

    @Test
    void taskDeviceFallsBackToCpuOutsideATask() {
        assertEquals("cpu", TaskDevice.resolve("gpu"));
        assertEquals("cpu", TaskDevice.resolve("cpu"));
        assertEquals("gpu:3", TaskDevice.assignedGpu(java.util.Map.of("gpu",
                new org.apache.spark.resource.ResourceInformation("gpu", new String[]{"3", "4"}))));
    }
}
