package dev.clearclip.spark;

import dev.clearclip.io.Redact;
import dev.clearclip.inference.ClassRle;
import dev.clearclip.inference.ClassStats;
import dev.clearclip.inference.ImageOutcome;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.inference.VocabularyMask;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Turns one image's outcome into its {@code masks} rows: one per vocabulary, error rows included. */
public final class MaskRows {

    private MaskRows() {
    }

    /**
     * What a row says of its input besides the outcome.
     *
     * @param source   the file, shard or table the image came from
     * @param key      the sample's key in its source (the corpus' own key, verbatim), or null
     * @param metadata kept side members or carried columns, as text, or null
     * @param sourceFingerprint the rerun key's share of the source ({@link ImageFiles#fingerprint}), or null
     */
    public record Input(String imageId, String source, String key, Map<String, String> metadata,
                        String sourceFingerprint) {
    }

    /**
     * Rows for every vocabulary of {@code vocabularies} whose name is not in {@code skip}; {@code settingsJson[v]}
     * is what made vocabulary v's labels and {@code settingsHash[v]} its rerun key's share of them. A transient
     * failure gives rows marked retryable.
     */
    public static List<Row> of(Input in, ImageOutcome outcome, List<QueryEmbeddings> vocabularies,
                               String[] settingsJson, String[] settingsHash, Collection<String> skip, Provenance p) {
        Timestamp now = new Timestamp(System.currentTimeMillis());
        Object metadata = in.metadata() == null || in.metadata().isEmpty() ? null : scalaMap(in.metadata());
        List<Row> rows = new ArrayList<>(vocabularies.size());
        for (int v = 0; v < vocabularies.size(); v++) {
            QueryEmbeddings vocabulary = vocabularies.get(v);
            if (skip.contains(vocabulary.vocabulary())) {
                continue;
            }
            Object[] segment = segment(outcome, vocabulary);
            String error = segment == null ? Redact.text(errorOf(outcome, vocabulary)) : null;
            if (segment == null) {
                segment = new Object[]{vocabulary.vocabulary(), vocabulary.sha256(), null, null, null, null};
            }
            rows.add(RowFactory.create(in.imageId(), outcome.uri(), in.source(), in.key(), metadata,
                    size(outcome.width()), size(outcome.height()),
                    error == null ? MaskSchema.OK : MaskSchema.ERROR, error,
                    error == null ? null : outcome.transientError(),
                    segment[0], segment[1], segment[2], segment[3], segment[4], segment[5],
                    p.modelId(), p.weightsSha256(), settingsJson[v], settingsHash[v], in.sourceFingerprint(),
                    p.codeVersion(), p.runId(), now, p.runDate()));
        }
        return rows;
    }

    /** The six per-vocabulary columns of {@link MaskSchema#SEGMENT_FIELDS}, or null when there is no mask. */
    public static Object[] segment(ImageOutcome outcome, QueryEmbeddings vocabulary) {
        if (!outcome.ok()) {
            return null;
        }
        for (VocabularyMask m : outcome.masks()) {
            if (m.vocabulary().equals(vocabulary.vocabulary())) {
                return new Object[]{vocabulary.vocabulary(), vocabulary.sha256(), m.maskPng(), m.confidencePng(),
                        seq(rle(m.rle())), seq(classes(m.classes()))};
            }
        }
        return null;
    }

    private static String errorOf(ImageOutcome outcome, QueryEmbeddings vocabulary) {
        return outcome.ok() ? "segmenter produced no mask for vocabulary " + vocabulary.vocabulary() : outcome.error();
    }

    private static List<Row> classes(List<ClassStats> stats) {
        List<Row> rows = new ArrayList<>(stats.size());
        for (ClassStats c : stats) {
            rows.add(RowFactory.create(c.classId(), c.name(), c.pixels(), c.fraction(), c.meanConfidence()));
        }
        return rows;
    }

    private static List<Row> rle(List<ClassRle> rle) {
        if (rle == null || rle.isEmpty()) {
            return null;
        }
        List<Row> rows = new ArrayList<>(rle.size());
        for (ClassRle r : rle) {
            rows.add(RowFactory.create(r.classId(), r.counts()));
        }
        return rows;
    }

    /** Spark's Row encoder wants Scala sequences for array columns. */
    // JavaConverters (deprecated in 2.13) is the converter both Scala 2.12 (-Pspark35) and 2.13 have
    @SuppressWarnings("deprecation")
    public static <T> scala.collection.immutable.Seq<T> seq(List<T> rows) {
        return rows == null ? null : scala.collection.JavaConverters.asScalaBuffer(rows).toList();
    }

    /** Spark's Row encoder wants Scala maps for map columns. */
    @SuppressWarnings("deprecation")
    static scala.collection.Map<String, String> scalaMap(Map<String, String> map) {
        return scala.collection.JavaConverters.mapAsScalaMap(map);
    }

    private static Integer size(int value) {
        return value < 0 ? null : value;
    }
}
