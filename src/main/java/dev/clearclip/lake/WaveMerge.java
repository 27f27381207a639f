package dev.clearclip.lake;

import dev.clearclip.io.Hashes;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One wave's commit: stage the rows, then MERGE the staged rows whose key the table lacks, retrying from the staged
 * rows when another writer committed first. Copy-on-write MERGE validates at commit (serializable isolation) that no
 * data was added since its scan, so of two racing writers one fails and re-merges against the other's rows.
 */
final class WaveMerge {

    private static final Logger LOG = LoggerFactory.getLogger(WaveMerge.class);
    static final int MAX_ATTEMPTS = 8;
    private static final Pattern SAFE_SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final SparkSession spark;
    private final String name;
    private final Table table;
    private final List<String> keys;
    private final String runId;
    private final int wave;
    private final String replaceWhen;

    /**
     * {@code replaceWhen}: a condition on the table's row ({@code t.}) under which a staged row with its key replaces
     * it (for example an error row that this wave redid), or null: a key present is never touched.
     */
    WaveMerge(SparkSession spark, String name, Table table, List<String> keys, String runId, int wave,
              String replaceWhen) {
        if (keys == null || keys.isEmpty()) {
            throw new IllegalArgumentException("mergeWave on " + name + ": no key columns");
        }
        if (runId == null || runId.isBlank() || wave < 0) {
            throw new IllegalArgumentException("mergeWave on " + name + ": run id '" + runId + "', wave " + wave
                    + " (a run id and a wave number >= 0 are needed)");
        }
        this.spark = spark;
        this.name = name;
        this.table = table;
        this.keys = List.copyOf(keys);
        this.runId = runId;
        this.wave = wave;
        this.replaceWhen = replaceWhen;
    }

    WaveCommit commit(String tableName, Dataset<Row> rows) {
        for (String k : keys) {
            if (!List.of(rows.columns()).contains(k)) {
                throw new IllegalArgumentException("mergeWave on " + name + ": key column '" + k + "' is not among "
                        + "the rows' columns " + List.of(rows.columns()));
            }
        }
        String isolation = table.properties().getOrDefault(TableProperties.MERGE_ISOLATION_LEVEL, "serializable");
        if (!isolation.equalsIgnoreCase("serializable")) {
            // snapshot isolation checks only deletes: two writers inserting one key would both commit
            throw new IllegalStateException(name + " has " + TableProperties.MERGE_ISOLATION_LEVEL + "=" + isolation
                    + "; waves need serializable: ALTER TABLE " + name + " SET TBLPROPERTIES ('"
                    + TableProperties.MERGE_ISOLATION_LEVEL + "'='serializable')");
        }
        StructType schema = rows.schema();
        // under the table, not hidden ("_..."), so that orphan removal takes what a killed run staged
        Path staging = new Path(table.location() + "/clearclip-staging/" + segment(runId) + "/wave=" + wave);
        // the wave's rows come from the model: persist them once, every attempt below reads these files
        rows.dropDuplicates(keys.toArray(String[]::new)).write().mode(SaveMode.Overwrite).parquet(staging.toString());
        table.refresh();
        Snapshot before = table.currentSnapshot();
        for (int attempt = 1; ; attempt++) {
            String view = "clearclip_wave_" + UUID.randomUUID().toString().replace("-", "");
            try {
                spark.catalog().refreshTable(name);
                spark.read().schema(schema).parquet(staging.toString()).createOrReplaceTempView(view);
                // the staged rows whose key the table lacks (in the SQL text: Spark 4.1 cannot plan a MERGE whose
                // source is a temp view over the target table)
                String settled = replaceWhen == null ? name
                        : "(SELECT * FROM " + name + " t WHERE NOT (" + replaceWhen + "))";
                String fresh = "(SELECT s.* FROM " + view + " s LEFT ANTI JOIN " + settled + " t ON " + onKeys(keys)
                        + ")";
                // no new key: nothing to commit, and no snapshot that rewrites files for nothing
                if (spark.sql("SELECT 1 FROM " + fresh + " f LIMIT 1").isEmpty()) {
                    deleteStaging(staging);
                    // an attempt whose commit outcome was unknown may have committed after all
                    return committedSince(before, tableName, attempt)
                            .orElse(new WaveCommit(tableName, runId, wave, 0, attempt, OptionalLong.empty()));
                }
                IcebergTables.withCommitProperties(runId, wave,
                        () -> spark.sql(mergeSql(name, keys, fresh, replaceWhen)));
                WaveCommit done = committedSince(before, tableName, attempt).orElseThrow(() ->
                        new IllegalStateException("the MERGE of wave " + wave + " of run " + runId + " into " + name
                                + " returned, but no new snapshot carries its run id and wave"));
                deleteStaging(staging);
                return done;
            } catch (RuntimeException e) {
                if (!lostRace(e) || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                LOG.info("wave {} of run {} lost a commit race on {} (attempt {}): merging its staged rows again",
                        wave, runId, name, attempt);
                sleep(attempt);
            } finally {
                spark.catalog().dropTempView(view);
            }
        }
    }

    /**
     * An insert-only MERGE is planned by Spark as a plain append, which Iceberg commits without any conflict check, so
     * two racing writers would both add the key. The never-true MATCHED clause keeps it a copy-on-write MERGE, whose
     * commit is validated against data added since its scan. With {@code replaceWhen}, matched rows meeting it are
     * replaced by the staged ones.
     */
    static String mergeSql(String name, List<String> keys, String source, String replaceWhen) {
        String matched = replaceWhen == null ? " WHEN MATCHED AND FALSE THEN DELETE"
                : " WHEN MATCHED AND (" + replaceWhen + ") THEN UPDATE SET *";
        return "MERGE INTO " + name + " t USING " + source + " s ON " + onKeys(keys) + matched
                + " WHEN NOT MATCHED THEN INSERT *";
    }

    /** This wave's commit among the snapshots after {@code before} (null: the table had none). */
    private Optional<WaveCommit> committedSince(Snapshot before, String tableName, int attempt) {
        table.refresh();
        Long stop = before == null ? null : before.snapshotId();
        for (Snapshot s = table.currentSnapshot(); s != null && !Objects.equals(s.snapshotId(), stop);
             s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
            if (runId.equals(s.summary().get(IcebergTables.RUN_ID))
                    && Integer.toString(wave).equals(s.summary().get(IcebergTables.WAVE))) {
                // a MERGE that met another writer's keys rewrote their files: those rows count as deleted and added
                long added = Long.parseLong(s.summary().getOrDefault(SnapshotSummary.ADDED_RECORDS_PROP, "0"))
                        - Long.parseLong(s.summary().getOrDefault(SnapshotSummary.DELETED_RECORDS_PROP, "0"));
                return Optional.of(new WaveCommit(tableName, runId, wave, added, attempt,
                        OptionalLong.of(s.snapshotId())));
            }
        }
        return Optional.empty();
    }

    /** Another writer won: Iceberg's validation or its commit retries failed, or the outcome is unknown. */
    static boolean lostRace(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ValidationException || c instanceof CommitFailedException
                    || c instanceof CommitStateUnknownException) {
                return true;
            }
        }
        return false;
    }

    /** Null-safe equality of every key column between {@code t} (the table) and {@code s} (the staged rows). */
    private static String onKeys(List<String> keys) {
        return keys.stream().map(k -> "t." + quote(k) + " <=> s." + quote(k)).collect(Collectors.joining(" AND "));
    }

    static Column[] columns(List<String> names) {
        return names.stream().map(k -> functions.col(quote(k))).toArray(Column[]::new);
    }

    private static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    private static String segment(String runId) {
        return SAFE_SEGMENT.matcher(runId).matches() ? runId : "run-" + Hashes.sha256Hex(runId).substring(0, 16);
    }

    private void deleteStaging(Path staging) {
        try {
            staging.getFileSystem(spark.sessionState().newHadoopConf()).delete(staging, true);
        } catch (IOException e) {
            // committed already: a leftover staging folder is an orphan that compact's orphan removal takes
            LOG.warn("could not delete the staged rows {} of a committed wave: {}", staging, e.toString());
        }
    }

    private static void sleep(int attempt) {
        long millis = Math.min(5_000, 200L << Math.min(attempt, 5)) + ThreadLocalRandom.current().nextLong(200);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted between MERGE attempts", e);
        }
    }
}
