package dev.clearclip.lake;

import org.apache.iceberg.Table;
import org.apache.iceberg.actions.DeleteOrphanFiles;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.SparkSession;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Iceberg's Spark maintenance actions, in the order that frees the most: rewrite, expire, then orphans. */
final class LakeMaintenance {

    private final SparkSession spark;
    private final Function<String, Table> tables;

    LakeMaintenance(SparkSession spark, Function<String, Table> tables) {
        this.spark = spark;
        this.tables = tables;
    }

    CompactionResult run(Compaction c) {
        List<CompactionResult.TableResult> results = new ArrayList<>();
        long now = System.currentTimeMillis();
        SparkActions actions = SparkActions.get(spark);
        for (String name : c.tables()) {
            Table table = tables.apply(name);
            RewriteDataFiles rewrite = actions.rewriteDataFiles(table)
                    .option(RewriteDataFiles.PARTIAL_PROGRESS_ENABLED, "false")
                    .option("min-input-files", Integer.toString(c.minInputFiles()))
                    .snapshotProperty(IcebergTables.RUN_ID, c.runId())
                    .snapshotProperty("clearclip.operation", "compact");
            // sorted tables (masks by key) keep their files sorted; others are only packed
            if (table.sortOrder().isSorted()) {
                rewrite = rewrite.sort();
            }
            RewriteDataFiles.Result rewritten = rewrite.execute();
            table.refresh();
            int before = size(table.snapshots());
            ExpireSnapshots.Result expired = actions.expireSnapshots(table)
                    .expireOlderThan(now - c.snapshotRetention().toMillis()).retainLast(c.retainLast()).execute();
            table.refresh();
            int expiredCount = before - size(table.snapshots());
            DeleteOrphanFiles.Result orphans = actions.deleteOrphanFiles(table)
                    .olderThan(now - c.orphanAge().toMillis()).execute();
            results.add(new CompactionResult.TableResult(name, rewritten.rewrittenDataFilesCount(),
                    rewritten.addedDataFilesCount(), expiredCount, expired.deletedDataFilesCount(),
                    orphans.orphanFilesCount()));
        }
        return new CompactionResult(results);
    }

    private static int size(Iterable<?> items) {
        int n = 0;
        for (Object ignored : items) {
            n++;
        }
        return n;
    }
}
