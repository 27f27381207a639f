package dev.clearclip.lake;

import java.util.OptionalLong;

/**
 * What {@link IcebergTables#mergeWave} committed.
 *
 * @param table      table name
 * @param runId      the run that wrote it
 * @param wave       the wave number
 * @param rowsAdded  rows the commit added (keys already in the table add none)
 * @param attempts   MERGE attempts (more than one: the wave lost a race to another writer and was re-merged from its
 *                   staged rows)
 * @param snapshotId the commit's snapshot, or empty when every key was already in the table and nothing was committed
 */
public record WaveCommit(String table, String runId, int wave, long rowsAdded, int attempts, OptionalLong snapshotId) {
}
