package dev.clearclip.inference;

import dev.clearclip.vocabulary.QueryEmbeddings;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * From averaged cosine logits to label maps at the original size: bilinear resize, x logit scale, softmax over a
 * vocabulary's queries, max over a class's synonyms, argmax, probability threshold (to class 0), optional
 * pseudo-label ignore, and per-class pixel counts and confidence sums, all on the device. The original size can be
 * far larger than the resized one (a 12 MP photo x 150 classes is 7 GB of fp32), so output rows are produced in
 * bands of bounded size; every step is per pixel, so banding changes no value.
 */
final class LabelDecoder {
    private static final long BAND_ELEMENTS = 1L << 23;
    private final QueryBank bank;
    private final double[] logitScale;
    private final double[] probThreshold;
    private final Double[] areaThreshold;
    private final OutputOptions output;

    /** {@code settings.get(v)}: logit scale and probability threshold of vocabulary {@code v}. */
    LabelDecoder(QueryBank bank, List<SegmentationSettings> settings, OutputOptions output) {
        this.bank = bank;
        this.logitScale = settings.stream().mapToDouble(SegmentationSettings::logitScale).toArray();
        this.probThreshold = settings.stream().mapToDouble(SegmentationSettings::probThreshold).toArray();
        this.areaThreshold = settings.stream().map(SegmentationSettings::areaThreshold).toArray(Double[]::new);
        this.output = output;
    }

    /** source (Q, Hs, Ws) cosine logits of every vocabulary's queries -> one label map per vocabulary. */
    List<LabelMap> decode(NDArray source, int height, int width) {
        int sh = (int) source.getShape().get(1);
        int sw = (int) source.getShape().get(2);
        List<Accumulator> acc = new ArrayList<>();
        int widest = 0;
        for (QueryEmbeddings v : bank.vocabularies()) {
            acc.add(new Accumulator(height, width, v.classes() + 1));
            widest = Math.max(widest, v.classes() + 1);
        }
        int rowsPerBand = (int) Math.max(1, BAND_ELEMENTS / ((long) (bank.queries() + widest) * width));
        float[][] keep = new float[acc.size()][];
        boolean filtered = false;
        for (Double a : areaThreshold) {
            filtered |= a != null;
        }
        long[][] areas = new long[acc.size()][];
        for (int pass = filtered ? 0 : 1; pass < 2; pass++) {
            for (int r0 = 0; r0 < height; r0 += rowsPerBand) {
                int r1 = Math.min(height, r0 + rowsPerBand);
                try (NDManager band = source.getManager().newSubManager()) {
                    source.tempAttach(band);
                    NDArray rows = Bilinear.resizeRows(source, sh, sw, height, width, r0, r1); // (Q, r, W)
                    for (int v = 0; v < acc.size(); v++) {
                        if (pass == 0 && areaThreshold[v] != null) {
                            areas[v] = add(areas[v], argmaxAreas(classProbabilities(rows, v)));
                        } else if (pass == 1) {
                            decodeBand(rows, v, acc.get(v), r0, keep[v]);
                        }
                    }
                }
            }
            for (int v = 0; pass == 0 && v < acc.size(); v++) {
                keep[v] = areas[v] == null ? null : keptClasses(areas[v], areaThreshold[v]);
            }
        }
        return acc.stream().map(a -> a.result(height, width)).toList();
    }

    /** softmax(scale x logits) over vocabulary v's queries, max over each class's synonyms: (C, r, W). */
    private NDArray classProbabilities(NDArray rows, int v) {
        QueryEmbeddings vocab = bank.vocabularies().get(v);
        NDArray logits = rows.get(new NDIndex(bank.offsets()[v] + ":" + bank.offsets()[v + 1]));
        NDArray probs = logits.mul(logitScale[v]).softmax(0); // (Qv, r, W)
        return vocab.classes() != vocab.queries() ? maxOverSynonyms(probs, vocab) : probs;
    }

    private static long[] argmaxAreas(NDArray probs) {
        int classes = (int) probs.getShape().get(0);
        NDArray ids = probs.getManager().arange(0, classes, 1, DataType.INT64);
        NDArray oneHot = probs.argMax(0).expandDims(-1).eq(ids).toType(DataType.FLOAT32, false); // (r, W, C)
        return oneHot.sum(new int[] {0, 1}).toType(DataType.INT64, false).toLongArray();
    }

    private static long[] add(long[] total, long[] band) {
        if (total == null) {
            return band;
        }
        for (int c = 0; c < total.length; c++) {
            total[c] += band[c];
        }
        return total;
    }

    /**
     * SC-CLIP's area filter (scclip_segmentor.py:169-173) as its code computes it, not as its comment says: class
     * c >= 1 is kept only if its argmax area is strictly above {@code threshold} times the NON-background argmax
     * area; a dropped class's probabilities are zeroed, so its pixels go to the best remaining class (background or
     * another kept class). Class 0 is always kept. 1 = kept, per class.
     */
    static float[] keptClasses(long[] areas, double threshold) {
        long foreground = 0;
        for (int c = 1; c < areas.length; c++) {
            foreground += areas[c];
        }
        float[] keep = new float[areas.length];
        keep[0] = 1;
        for (int c = 1; c < areas.length; c++) {
            keep[c] = areas[c] > threshold * foreground ? 1 : 0;
        }
        return keep;
    }

    private void decodeBand(NDArray rows, int v, Accumulator acc, int r0, float[] keep) {
        QueryEmbeddings vocab = bank.vocabularies().get(v);
        NDArray probs = classProbabilities(rows, v);
        if (keep != null) {
            probs = probs.mul(probs.getManager().create(keep, new ai.djl.ndarray.types.Shape(keep.length, 1, 1)));
        }
        NDArray confidence = probs.max(new int[] {0}); // (r, W)
        NDArray labels = probs.argMax(0); // int64 (r, W)
        NDArray zero = labels.zerosLike();
        if (probThreshold[v] > 0) {
            labels = NDArrays.where(confidence.lt(probThreshold[v]), zero, labels);
        }
        int classes = vocab.classes();
        NDArray bucket = labels;
        if (output.pseudoLabelThreshold() != null) {
            NDArray low = confidence.lt(output.pseudoLabelThreshold());
            labels = NDArrays.where(low, zero.add(output.ignoreIndex()), labels);
            bucket = NDArrays.where(low, zero.add(classes), bucket); // ignored pixels counted apart
        }
        NDArray ids = bucket.getManager().arange(0, classes + 1, 1, DataType.INT64);
        NDArray oneHot = bucket.expandDims(-1).eq(ids).toType(DataType.FLOAT32, false); // (r, W, C + 1)
        long[] counts = oneHot.sum(new int[] {0, 1}).toType(DataType.INT64, false).toLongArray();
        float[] sums = oneHot.mul(confidence.expandDims(-1)).sum(new int[] {0, 1}).toFloatArray();
        acc.add(r0, labels.toType(DataType.INT32, false).toIntArray(), confidence.toFloatArray(), counts, sums);
    }

    private static NDArray maxOverSynonyms(NDArray probs, QueryEmbeddings vocab) {
        NDManager m = probs.getManager();
        int[] classOf = vocab.classOfQuery();
        NDList perClass = new NDList();
        int q = 0;
        while (q < classOf.length) {
            int end = q;
            while (end < classOf.length && classOf[end] == classOf[q]) {
                end++;
            }
            perClass.add(probs.get(new NDIndex(q + ":" + end)).max(new int[] {0}, true));
            q = end;
        }
        if (perClass.size() != vocab.classes()) {
            throw new IllegalStateException("vocabulary " + vocab.vocabulary() + ": queries of a class are not contiguous");
        }
        return NDArrays.concat(perClass, 0);
    }

    /** Host-side buffers of one vocabulary's label map, filled band by band. */
    private static final class Accumulator {
        final int[] labels;
        final float[] confidence;
        final long[] pixels;
        final double[] confidenceSum;
        final int width;

        Accumulator(int height, int width, int buckets) {
            this.labels = new int[height * width];
            this.confidence = new float[height * width];
            this.pixels = new long[buckets];
            this.confidenceSum = new double[buckets];
            this.width = width;
        }

        void add(int r0, int[] bandLabels, float[] bandConfidence, long[] counts, float[] sums) {
            System.arraycopy(bandLabels, 0, labels, r0 * width, bandLabels.length);
            System.arraycopy(bandConfidence, 0, confidence, r0 * width, bandConfidence.length);
            for (int c = 0; c < counts.length; c++) {
                pixels[c] += counts[c];
                confidenceSum[c] += sums[c];
            }
        }

        LabelMap result(int height, int width) {
            int classes = pixels.length - 1; // the last bucket holds pseudo-label ignored pixels
            return new LabelMap(height, width, labels, confidence, java.util.Arrays.copyOf(pixels, classes),
                    java.util.Arrays.copyOf(confidenceSum, classes));
        }
    }
}
