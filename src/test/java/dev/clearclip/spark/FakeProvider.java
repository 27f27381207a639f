package dev.clearclip.spark;

import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.inference.ClassStats;
import dev.clearclip.inference.ImageInput;
import dev.clearclip.inference.ImageOutcome;
import dev.clearclip.inference.ImageSegmenter;
import dev.clearclip.inference.QueryEmbeddings;
import dev.clearclip.inference.SegmenterSpec;
import dev.clearclip.inference.VocabularyMask;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Test stand-in for the model until the real segmenter is wired: decodes with ImageIO and labels vertical stripes
 * (class = x * classes / width), so every number in the outputs is predictable. A uri containing "boom" makes the
 * whole batch throw, to exercise the one-at-a-time fallback.
 */
public final class FakeProvider implements SegmenterProvider {

    static final List<String> CLASSES = List.of("background", "cat", "dog");

    @Override
    public SegmenterSpec prepare(String model, List<String> vocabularies, SegmentationSettings settings,
                                 OutputOptions output) {
        List<QueryEmbeddings> embeddings = new ArrayList<>();
        for (String v : vocabularies) {
            embeddings.add(new QueryEmbeddings(v, "sha-" + v, CLASSES, new int[]{0, 1, 2}, 1, new float[]{1, 0, 0}));
        }
        return new SegmenterSpec("fake:" + model, model, "fake-weights-" + model, embeddings, settings, output);
    }

    @Override
    public ImageSegmenter open(SegmenterSpec spec, String device) {
        return new ImageSegmenter() {
            @Override
            public List<ImageOutcome> segment(List<ImageInput> images) {
                List<ImageOutcome> out = new ArrayList<>();
                for (ImageInput image : images) {
                    if (image.uri().contains("boom") && images.size() > 1) {
                        throw new IllegalStateException("simulated engine failure on a batch");
                    }
                    out.add(one(spec, image));
                }
                return out;
            }

            @Override
            public void close() {
            }
        };
    }

    static ImageOutcome one(SegmenterSpec spec, ImageInput image) {
        if (image.uri().contains("boom")) {
            throw new IllegalStateException("simulated engine failure");
        }
        if (image.bytes().length == 0) {
            return ImageOutcome.failed(image.uri(), -1, -1, "empty file");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image.bytes()))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return ImageOutcome.failed(image.uri(), -1, -1, "not an image");
            }
            ImageReader reader = readers.next();
            reader.setInput(in);
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            if ((long) w * h > spec.settings().maxPixels()) {
                return ImageOutcome.failed(image.uri(), w, h, "image has " + (long) w * h + " pixels, over max-pixels");
            }
            reader.read(0);
            List<VocabularyMask> masks = new ArrayList<>();
            for (QueryEmbeddings q : spec.vocabularies()) {
                masks.add(mask(q, w, h));
            }
            return new ImageOutcome(image.uri(), w, h, null, masks);
        } catch (IOException | RuntimeException e) {
            return ImageOutcome.failed(image.uri(), -1, -1, "cannot decode: " + e.getMessage());
        }
    }

    static VocabularyMask mask(QueryEmbeddings q, int w, int h) throws IOException {
        int n = q.classes();
        BufferedImage labels = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        long[] pixels = new long[n];
        for (int x = 0; x < w; x++) {
            int c = x * n / w;
            pixels[c] += h;
            for (int y = 0; y < h; y++) {
                labels.getRaster().setSample(x, y, 0, c);
            }
        }
        List<ClassStats> stats = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            if (pixels[c] > 0) {
                stats.add(new ClassStats(c, q.classNames().get(c), pixels[c], pixels[c] / (double) (w * h), 0.5 + 0.1 * c));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(labels, "png", png);
        return new VocabularyMask(q.vocabulary(), png.toByteArray(), null, stats, List.of());
    }
}
