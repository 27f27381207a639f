package dev.clearclip.job;

import dev.clearclip.lake.IcebergTables;
import dev.clearclip.lake.TableLayout;
import dev.clearclip.lake.Target;
import dev.clearclip.spark.MaskSchema;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a run's tables live: Parquet folders under {@code --output} (the default, readable with no catalog), or
 * Iceberg tables ({@code --table-format iceberg}: a Hadoop catalog at {@code --output}, or the user's
 * {@code --catalog}). The run asks for reads, a wave's masks commit and appends; how each is done is decided here
 * only. Files that are not tables (the lease, {@code runs_json}, label exports, attempt notes) stay under
 * {@code --output} in both.
 */
abstract class ResultTables implements AutoCloseable {

    /** The rerun key: a {@code masks} row per key, never two (Iceberg merges on it). */
    static final List<String> MASKS_KEY = List.of("uri", "vocabulary_sha256", "weights_sha256", "settings_hash",
            "source_fingerprint");
    static final List<String> TABLES = List.of("masks", "class_stats", "runs", "shards");
    /** Tables partitioned by the run's date in the Parquet layout. */
    private static final Set<String> BY_RUN_DATE = Set.of("masks", "class_stats");

    /** {@code conf} plus what the session needs for {@code s}'s tables (Iceberg's SQL extensions). */
    static Map<String, String> sessionSettings(JobSettings s, Map<String, String> conf) {
        if (s.output().tableFormat() != JobSettings.TableFormat.ICEBERG) {
            return conf;
        }
        Map<String, String> with = new java.util.HashMap<>(conf);
        String current = with.getOrDefault("spark.sql.extensions",
                new org.apache.spark.SparkConf().get("spark.sql.extensions", null));
        with.put("spark.sql.extensions", IcebergTables.extensionsWith(current));
        return with;
    }

    /** Refuses, before any work, a session that cannot hold {@code s}'s tables. */
    static void check(SparkSession spark, JobSettings s) {
        if (s.output().tableFormat() == JobSettings.TableFormat.ICEBERG) {
            try {
                IcebergTables.requireExtensions(spark);
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException("--table-format iceberg: " + e.getMessage(), e);
            }
        }
    }

    static ResultTables open(SparkSession spark, JobSettings s) {
        JobSettings.Destination d = s.output();
        return d.tableFormat() == JobSettings.TableFormat.ICEBERG ? new Iceberg(spark, d) : new Parquet(spark, d);
    }

    abstract boolean exists(String table);

    /** The table's rows with {@code schema}'s columns (no inference: a table without data files reads empty). */
    abstract Dataset<Row> read(String table, StructType schema);

    /** Commits one wave of {@code masks} rows: at most one row per {@link #MASKS_KEY}. */
    abstract void commitMasks(Dataset<Row> rows, String runId, int wave);

    abstract void append(String table, Dataset<Row> rows, String runId, int wave);

    /** {@code --overwrite}: every table emptied (called under the lease). */
    abstract void deleteAll(String runId);

    @Override
    public void close() {
    }

    /** Parquet folders {@code <output>/<table>}; {@code masks} and {@code class_stats} by {@code run_date}. */
    private static final class Parquet extends ResultTables {
        private final SparkSession spark;
        private final JobSettings.Destination d;

        Parquet(SparkSession spark, JobSettings.Destination d) {
            this.spark = spark;
            this.d = d;
        }

        @Override
        boolean exists(String table) {
            return IncrementalFilter.exists(spark, d.table(table));
        }

        @Override
        Dataset<Row> read(String table, StructType schema) {
            return exists(table) ? spark.read().schema(schema).parquet(d.table(table))
                    : spark.createDataFrame(List.<Row>of(), schema);
        }

        @Override
        void commitMasks(Dataset<Row> rows, String runId, int wave) {
            // the shuffle leaves the segmentation's parallelism alone and lets adaptive execution size the files
            rows.repartition().write().mode(SaveMode.Append).partitionBy("run_date").parquet(d.table("masks"));
        }

        @Override
        void append(String table, Dataset<Row> rows, String runId, int wave) {
            var writer = rows.coalesce(1).write().mode(SaveMode.Append);
            (BY_RUN_DATE.contains(table) ? writer.partitionBy("run_date") : writer).parquet(d.table(table));
        }

        @Override
        void deleteAll(String runId) {
            try {
                for (String table : TABLES) {
                    Path path = new Path(d.table(table));
                    path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("--overwrite: cannot delete the tables under " + d.uri(), e);
            }
        }
    }

    /** Iceberg tables; every commit carries the run id and wave as snapshot properties. */
    private static final class Iceberg extends ResultTables {
        private static final int KEY_BUCKETS = 16;
        private static final Map<String, StructType> SCHEMAS = Map.of("masks", MaskSchema.MASKS,
                "class_stats", ClassStatsTable.SCHEMA, "runs", RunRecord.SCHEMA, "shards", ShardRun.RECORDS);
        private final IcebergTables tables;

        Iceberg(SparkSession spark, JobSettings.Destination d) {
            Target target = d.catalog() != null ? Target.catalog(d.catalog(), d.namespace(), d.lease())
                    : Target.warehouse(d.uri(), d.namespace(), d.lease());
            this.tables = IcebergTables.open(spark, target);
            for (String table : TABLES) {
                tables.ensureTable(table, SCHEMAS.get(table), table.equals("masks")
                        ? TableLayout.byDayAndKey("processed_at", "key", KEY_BUCKETS) : TableLayout.plain());
            }
        }

        @Override
        boolean exists(String table) {
            return tables.exists(table);
        }

        @Override
        Dataset<Row> read(String table, StructType schema) {
            Dataset<Row> rows = tables.read(table);
            return rows.select(java.util.Arrays.stream(schema.fieldNames())
                    .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new));
        }

        @Override
        void commitMasks(Dataset<Row> rows, String runId, int wave) {
            // a wave redoes retryable errors (and, asked, permanent ones): its row replaces the error, never an ok
            tables.mergeWave("masks", rows, MASKS_KEY, "t.status <> '" + MaskSchema.OK + "'", runId, wave);
        }

        @Override
        void append(String table, Dataset<Row> rows, String runId, int wave) {
            tables.append(table, rows.select(java.util.Arrays.stream(SCHEMAS.get(table).fieldNames())
                    .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new)),
                    runId, wave);
        }

        @Override
        void deleteAll(String runId) {
            for (String table : TABLES) {
                tables.deleteAll(table, runId);
            }
        }

        @Override
        public void close() {
            tables.close();
        }
    }
}
