package dev.clearclip.lake;

import java.time.Duration;
import java.util.List;

/**
 * What {@link IcebergTables#compact} does to each table: rewrite small data files (a group of at least
 * {@code minInputFiles}), expire snapshots older than {@code snapshotRetention} while keeping the newest
 * {@code retainLast}, and delete files no snapshot references that are older than {@code orphanAge}.
 *
 * @param tables            table names in the target's namespace
 * @param snapshotRetention snapshots older than this are expired (rollback and time travel end there)
 * @param retainLast        snapshots kept whatever their age (at least 1)
 * @param orphanAge         unreferenced files younger than this are kept; at least a day, since a wave being
 *                          committed right now has written files no snapshot references yet
 * @param minInputFiles     a partition's files are rewritten only when there are at least this many (Iceberg: 5)
 * @param runId             recorded as {@link IcebergTables#RUN_ID} on the rewrite's commit
 */
public record Compaction(List<String> tables, Duration snapshotRetention, int retainLast, Duration orphanAge,
                         int minInputFiles, String runId) {

    public static final Duration MIN_ORPHAN_AGE = Duration.ofDays(1);

    public Compaction {
        tables = List.copyOf(tables);
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("compact: no tables named");
        }
        if (snapshotRetention == null || snapshotRetention.isNegative()) {
            throw new IllegalArgumentException("compact: snapshot retention " + snapshotRetention
                    + " (--expire-older-than) must be zero or more");
        }
        if (retainLast < 1) {
            throw new IllegalArgumentException("compact: --retain-last " + retainLast + " must be at least 1");
        }
        if (orphanAge == null || orphanAge.compareTo(MIN_ORPHAN_AGE) < 0) {
            throw new IllegalArgumentException("compact: --orphan-older-than " + orphanAge + " must be at least "
                    + MIN_ORPHAN_AGE + ": younger unreferenced files may belong to a commit in flight");
        }
        if (minInputFiles < 1) {
            throw new IllegalArgumentException("compact: --min-input-files " + minInputFiles + " must be at least 1");
        }
        if (runId == null || runId.isBlank()) {
            throw new IllegalArgumentException("compact: a run id is needed for the rewrite's commit");
        }
    }

    /** Iceberg's defaults: expire after 5 days keeping 1, orphans older than 3 days, groups of 5 files. */
    public static Compaction defaults(List<String> tables, String runId) {
        return new Compaction(tables, Duration.ofDays(5), 1, Duration.ofDays(3), 5, runId);
    }
}
