package dev.clearclip.lake;

import java.util.List;

/** What {@link IcebergTables#compact} did, table by table. */
public record CompactionResult(List<TableResult> tables) {

    public CompactionResult {
        tables = List.copyOf(tables);
    }

    /**
     * @param table              table name
     * @param rewrittenDataFiles data files replaced by the rewrite
     * @param addedDataFiles     data files the rewrite wrote
     * @param expiredSnapshots   snapshots removed from the table's history
     * @param deletedDataFiles   data files deleted because only expired snapshots referenced them
     * @param orphanFilesDeleted files no snapshot referenced (killed runs, staged rows left behind)
     */
    public record TableResult(String table, int rewrittenDataFiles, int addedDataFiles, int expiredSnapshots,
                              long deletedDataFiles, long orphanFilesDeleted) {
    }
}
