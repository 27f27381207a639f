package dev.clearclip.job;

import dev.clearclip.pipeline.PipelinePlan;
import dev.clearclip.spark.MaskSchema;
import dev.clearclip.spark.ShardTask;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * A run over WebDataset shards, with the shard as the unit of work. On the driver (O(shards)): skip the shards the
 * {@code shards} table records as finished for this run's rerun key (weights, vocabulary, settings hash, unchanged
 * fingerprint), attach to each remaining shard the keys already done, and place the shards one per partition, in
 * waves. After each wave's masks are committed, each of its shards gets its record per vocabulary.
 */
final class ShardRun {

    static final StructType RECORDS = new StructType()
            .add("source", DataTypes.StringType, false)
            .add("fingerprint", DataTypes.StringType, false)
            .add("bytes", DataTypes.LongType, true)
            .add("weights_sha256", DataTypes.StringType, true)
            .add("vocabulary_sha256", DataTypes.StringType, true)
            .add("settings_hash", DataTypes.StringType, true)
            .add("samples", DataTypes.LongType, false)
            .add("errors", DataTypes.LongType, false)
            .add("unsettled", DataTypes.LongType, true)
            .add("run_id", DataTypes.StringType, false)
            .add("run_date", DataTypes.StringType, false);

    private static final StructType LISTED = new StructType()
            .add("shard_index", DataTypes.IntegerType, false)
            .add("source", DataTypes.StringType, false)
            .add("shard_id", DataTypes.StringType, false)
            .add("fingerprint", DataTypes.StringType, false);

    /** Samples a shard of unknown history is guessed to hold per byte: about 64 KiB a sample. */
    private static final long DEFAULT_BYTES_PER_SAMPLE = 64 * 1024;

    private final SparkSession spark;
    private final List<ShardCatalog.Shard> all;
    private final List<ShardCatalog.Shard> todo;
    private final long skippedSamples;
    private final long bytesPerSample;
    private final Dataset<Row> done;

    private ShardRun(SparkSession spark, List<ShardCatalog.Shard> all, List<ShardCatalog.Shard> todo,
                     long skippedSamples, long bytesPerSample, Dataset<Row> done) {
        this.spark = spark;
        this.all = all;
        this.todo = todo;
        this.skippedSamples = skippedSamples;
        this.bytesPerSample = bytesPerSample;
        this.done = done;
    }

    static ShardRun plan(SparkSession spark, ResultTables tables, List<ShardCatalog.Shard> shards, PipelinePlan plan,
                         JobSettings s) {
        Map<String, long[]> finished = new HashMap<>();
        long[] history = finished(tables, plan, s, finished);
        List<ShardCatalog.Shard> todo = new ArrayList<>();
        long skippedSamples = 0;
        for (ShardCatalog.Shard shard : shards) {
            long[] samples = finished.get(shard.uri() + " " + shard.fingerprint());
            if (samples == null) {
                todo.add(shard);
            } else {
                skippedSamples += samples[0];
            }
        }
        long perSample = history[1] > 0 && history[0] > 0 ? Math.max(1, history[0] / history[1])
                : DEFAULT_BYTES_PER_SAMPLE;
        return new ShardRun(spark, shards, todo, skippedSamples, perSample,
                todo.isEmpty() ? null : IncrementalFilter.done(spark, tables, plan, s));
    }

    /**
     * Fills {@code finished} ({@code "<uri> <fingerprint>"} -> samples) with the shards recorded settled for every
     * vocabulary of this run under its rerun key; returns (bytes, samples) of the records that know their bytes, for
     * sizing waves.
     */
    private static long[] finished(ResultTables tables, PipelinePlan plan, JobSettings s,
                                   Map<String, long[]> finished) {
        if (s.output().overwrite() || !tables.exists("shards")) {
            return new long[2];
        }
        Dataset<Row> records = tables.read("shards", RECORDS)
                .join(currentKey(plan), col("vocabulary_sha256").equalTo(col("current_sha256"))
                        .and(col("settings_hash").equalTo(col("current_settings_hash"))))
                .where(col("weights_sha256").equalTo(lit(plan.weightsSha256())));
        Row sizes = records.where(col("bytes").isNotNull())
                .agg(sum("bytes").cast("long"), sum("samples").cast("long")).first();
        Column settled = col("unsettled").equalTo(lit(0L));
        if (s.output().retryErrors()) {
            settled = settled.and(col("errors").equalTo(lit(0L)));
        }
        for (Row r : records.where(settled).groupBy("source", "fingerprint")
                .agg(countDistinct("vocabulary_sha256").as("vocabularies"), max("samples").as("samples"))
                .where(col("vocabularies").equalTo(lit(plan.queries().size())))
                .select("source", "fingerprint", "samples").collectAsList()) {
            finished.put(r.getString(0) + " " + r.getString(1), new long[]{r.getLong(2)});
        }
        return new long[]{sizes.isNullAt(0) ? 0 : sizes.getLong(0), sizes.isNullAt(1) ? 0 : sizes.getLong(1)};
    }

    private static Dataset<Row> currentKey(PipelinePlan plan) {
        List<Row> rows = new ArrayList<>();
        for (int v = 0; v < plan.queries().size(); v++) {
            rows.add(RowFactory.create(plan.queries().get(v).sha256(), plan.labelSettingsHash(v)));
        }
        return SparkSession.active().createDataFrame(rows, new StructType()
                .add("current_sha256", DataTypes.StringType).add("current_settings_hash", DataTypes.StringType));
    }

    /** All shards of the run, finished ones included: the scope of the error budget. */
    Dataset<Row> sources() {
        List<Row> rows = new ArrayList<>(all.size());
        for (ShardCatalog.Shard shard : all) {
            rows.add(RowFactory.create(shard.uri()));
        }
        return spark.createDataFrame(rows, new StructType().add("source", DataTypes.StringType));
    }

    int shards() {
        return todo.size();
    }

    int skippedShards() {
        return all.size() - todo.size();
    }

    long skippedSamples() {
        return skippedSamples;
    }

    /** The shards to read, in waves of about {@code imagesPerWave} samples (by bytes), whole shards each. */
    List<List<ShardCatalog.Shard>> waves(long imagesPerWave) {
        List<List<ShardCatalog.Shard>> waves = new ArrayList<>();
        List<ShardCatalog.Shard> wave = new ArrayList<>();
        long samples = 0;
        for (ShardCatalog.Shard shard : todo) {
            wave.add(shard);
            samples += Math.max(1, shard.bytes() / bytesPerSample);
            if (samples >= imagesPerWave) {
                waves.add(wave);
                wave = new ArrayList<>();
                samples = 0;
            }
        }
        if (!wave.isEmpty()) {
            waves.add(wave);
        }
        return waves;
    }

    /** A wave's shards as {@link ShardTask#SHARDS} rows, exactly one per partition, with their done keys. */
    Dataset<Row> work(List<ShardCatalog.Shard> wave) {
        List<Row> rows = new ArrayList<>(wave.size());
        for (int i = 0; i < wave.size(); i++) {
            ShardCatalog.Shard shard = wave.get(i);
            rows.add(RowFactory.create(i, shard.uri(), shard.id(), shard.fingerprint()));
        }
        Dataset<Row> listed = spark.createDataFrame(rows, LISTED);
        Dataset<Row> withDone;
        if (done != null) {
            // a sample is done for the vocabularies whose rows carry its shard's current fingerprint
            Dataset<Row> byShard = done.where(col("done_uri").contains("#"))
                    .withColumn("source", substring_index(col("done_uri"), "#", 1))
                    .join(listed.select(col("source"), col("fingerprint").as("shard_fingerprint")), "source")
                    .withColumn("key", expr("substring(done_uri, length(source) + 2)"))
                    .withColumn("source_fingerprint", concat(col("shard_fingerprint"), lit("#"), col("key")))
                    .withColumn("vocabularies", IncrementalFilter.doneVocabularies())
                    .where(expr("size(vocabularies) > 0"))
                    .groupBy("source")
                    .agg(map_from_entries(collect_list(struct(col("key"), col("vocabularies")))).as("done"));
            withDone = listed.join(byShard, listed.col("source").equalTo(byShard.col("source")), "left")
                    .select(listed.col("shard_index"), listed.col("source"), listed.col("shard_id"),
                            listed.col("fingerprint"), byShard.col("done"));
        } else {
            withDone = listed.withColumn("done", lit(null).cast(ShardTask.SHARDS.apply("done").dataType()));
        }
        int n = Math.max(1, wave.size());
        // shard i -> partition i: Spark's repartition would hash or round-robin two shards into one task
        JavaRDD<Row> placed = withDone.toJavaRDD().keyBy(r -> r.getInt(0)).partitionBy(new HashPartitioner(n)).values();
        return spark.createDataFrame(placed, ShardTask.SHARDS);
    }

    /**
     * Appends the records of a committed wave's shards, computed from {@code masks} (every run's rows of these
     * shards under this run's key): samples seen, samples without an ok row, samples not settled (retryable).
     */
    void record(ResultTables tables, List<ShardCatalog.Shard> wave, int waveIndex, PipelinePlan plan, String runId,
                String runDate) {
        spark.sparkContext().setJobDescription("clearclip: record " + wave.size() + " shards");
        List<Row> rows = new ArrayList<>(wave.size());
        for (ShardCatalog.Shard shard : wave) {
            rows.add(RowFactory.create(shard.uri(), shard.fingerprint(), shard.bytes()));
        }
        Dataset<Row> read = spark.createDataFrame(rows, new StructType().add("source", DataTypes.StringType)
                .add("fingerprint", DataTypes.StringType).add("bytes", DataTypes.LongType));
        Column ok = col("status").equalTo(lit(MaskSchema.OK));
        Column settledError = col("status").equalTo(lit(MaskSchema.ERROR))
                .and(not(col("retryable").eqNullSafe(lit(true))));
        Dataset<Row> perSample = IncrementalFilter.sameKey(spark, tables, plan)
                .join(read, "source")
                .where(col("key").isNull().or(col("source_fingerprint").isNull()).or(col("source_fingerprint")
                        .equalTo(concat(col("fingerprint"), lit("#"), col("key")))))
                .groupBy(col("source"), col("vocabulary_sha256"), col("current_settings_hash"), col("uri"))
                .agg(max(when(ok, 1).otherwise(0)).as("ok"), max(when(ok.or(settledError), 1).otherwise(0))
                        .as("settled"));
        tables.append("shards", perSample.groupBy("source", "vocabulary_sha256", "current_settings_hash")
                .agg(count("*").as("samples"), sum(lit(1).minus(col("ok"))).cast("long").as("errors"),
                        sum(lit(1).minus(col("settled"))).cast("long").as("unsettled"))
                .join(read, "source")
                .select(col("source"), col("fingerprint"), col("bytes"), lit(plan.weightsSha256()).as("weights_sha256"),
                        col("vocabulary_sha256"), col("current_settings_hash").as("settings_hash"), col("samples"),
                        col("errors"), col("unsettled"), lit(runId).as("run_id"), lit(runDate).as("run_date")),
                runId, waveIndex);
    }
}
