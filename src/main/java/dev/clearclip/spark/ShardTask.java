package dev.clearclip.spark;

import dev.clearclip.shards.ShardReader;
import dev.clearclip.shards.ShardSample;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The executor side of a shard run: each task streams its shards (normally one) sample by sample, skips samples
 * already done for every vocabulary, and hands the rest to {@link SegmentTask} as {@link InputRows} with their bytes.
 * Bad samples and unreadable shards arrive there as {@code read_error} rows, so they become error rows too.
 */
public final class ShardTask implements MapPartitionsFunction<Row, Row> {

    /**
     * One row per shard: the shard, its id (image ids are {@code <id>/<key>}), its fingerprint and the keys already
     * done (key -> vocabulary names).
     */
    public static final StructType SHARDS = new StructType()
            .add("shard_index", DataTypes.IntegerType, false)
            .add("source", DataTypes.StringType, false)
            .add("shard_id", DataTypes.StringType, false)
            .add("fingerprint", DataTypes.StringType, false)
            .add("done", DataTypes.createMapType(DataTypes.StringType,
                    DataTypes.createArrayType(DataTypes.StringType)), true);

    private final SegmentTask segment;
    private final Broadcast<HadoopConf> conf;
    private final List<String> imageExtensions;
    private final Set<String> keep;
    private final long maxMemberBytes;
    private final int vocabularies;
    private final LongAccumulator skipped;

    /** {@code skipped}: counts the samples found done for every one of the run's {@code vocabularies}. */
    public ShardTask(SegmentTask segment, Broadcast<HadoopConf> conf, List<String> imageExtensions,
                     List<String> keep, long maxMemberBytes, int vocabularies, LongAccumulator skipped) {
        this.segment = segment;
        this.conf = conf;
        this.imageExtensions = List.copyOf(imageExtensions);
        this.keep = Set.copyOf(keep);
        this.maxMemberBytes = maxMemberBytes;
        this.vocabularies = vocabularies;
        this.skipped = skipped;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> shards) {
        Samples samples = new Samples(shards);
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener(new TaskCompletionListener() {
                @Override
                public void onTaskCompletion(TaskContext context) {
                    samples.close();
                }
            });
        }
        return segment.call(samples);
    }

    /** The samples of the partition's shards, one shard open at a time. */
    private final class Samples implements Iterator<Row> {
        private final Iterator<Row> shards;
        private ShardReader reader;
        private Row shard;
        private Map<String, List<String>> done = Map.of();
        private Row next;

        Samples(Iterator<Row> shards) {
            this.shards = shards;
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (reader == null || !reader.hasNext()) {
                    if (!shards.hasNext()) {
                        return false;
                    }
                    open(shards.next());
                    continue;
                }
                ShardSample s = reader.next();
                List<String> doneFor = s.key() == null ? null : done.get(s.key());
                if (doneFor != null && doneFor.size() >= vocabularies) {
                    skipped.add(1);
                    continue;
                }
                next = row(s, doneFor);
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = next;
            next = null;
            return r;
        }

        private void open(Row row) {
            close();
            shard = row;
            done = row.isNullAt(4) ? Map.of() : doneMap(row.getJavaMap(4));
            String uri = row.getString(1);
            try {
                Path path = new Path(uri);
                FileSystem fs = path.getFileSystem(conf.value().get());
                reader = new ShardReader(uri, fs.open(path), imageExtensions, keep, maxMemberBytes);
            } catch (IOException e) {
                ShardSample failed = new ShardSample(null, null, null, null,
                        "cannot open shard " + uri + ": " + e.getMessage(), 0, true);
                next = row(failed, null);
            }
        }

        private Row row(ShardSample s, List<String> doneFor) {
            String source = shard.getString(1);
            String id = shard.getString(2);
            String uri = s.key() == null ? source : source + "#" + s.key();
            String imageId = s.key() == null ? id : id + "/" + s.key();
            Object metadata = s.metadata().isEmpty() ? null : MaskRows.scalaMap(s.metadata());
            return RowFactory.create(uri, imageId, source, s.key(), metadata, s.image(), s.error(),
                    s.error() == null ? null : s.readFailed(), sampleFingerprint(shard.getString(3), s.key()),
                    doneFor == null ? null : MaskRows.seq(doneFor));
        }

        void close() {
            if (reader != null) {
                reader.close();
                reader = null;
            }
        }
    }

    /** A sample's share of the rerun key: its shard's fingerprint and its key. */
    public static String sampleFingerprint(String shardFingerprint, String key) {
        return key == null ? shardFingerprint : shardFingerprint + "#" + key;
    }

    @SuppressWarnings("deprecation")
    private static Map<String, List<String>> doneMap(Map<Object, Object> given) {
        Map<String, List<String>> m = new java.util.HashMap<>();
        for (Map.Entry<Object, Object> e : given.entrySet()) {
            m.put((String) e.getKey(), scala.collection.JavaConverters.seqAsJavaList(
                    (scala.collection.Seq<String>) e.getValue()));
        }
        return m;
    }
}
