package dev.clearclip.lake;

import dev.clearclip.io.Redact;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lake tables of one {@link Target} in a Spark session: {@link #open} registers the warehouse's catalog (if any)
 * and creates the namespace; {@link #ensureTable} creates or evolves a table; {@link #mergeWave} commits a wave of
 * masks once per key; {@link #append} adds rows; {@link #doneKeys} reads only the key columns; {@link #compact}
 * runs the maintenance actions. {@link #close} takes back the session settings {@code open} made.
 *
 * <p>The session must have been created with Iceberg's SQL extensions ({@link #sessionSettings()}): Spark fixes
 * extensions when a session is created, so they cannot be added here.
 */
public final class IcebergTables implements AutoCloseable {

    public static final String EXTENSIONS = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";
    /** Snapshot summary properties every commit made here carries. */
    public static final String RUN_ID = "clearclip.run-id";
    public static final String WAVE = "clearclip.wave";

    private final SparkSession spark;
    private final Target target;
    /** The session settings {@code open} made and the values they had before (null: unset). */
    private final Map<String, String> previous = new LinkedHashMap<>();
    private final Map<String, String> set = new LinkedHashMap<>();

    private IcebergTables(SparkSession spark, Target target) {
        this.spark = spark;
        this.target = target;
    }

    /** What the caller must put in the session's configuration before creating it. */
    public static Map<String, String> sessionSettings() {
        return Map.of("spark.sql.extensions", EXTENSIONS);
    }

    /** {@code spark.sql.extensions} with Iceberg's added to the user's {@code current} list (null or blank: none). */
    public static String extensionsWith(String current) {
        if (current == null || current.isBlank()) {
            return EXTENSIONS;
        }
        return List.of(current.split(",")).stream().map(String::strip).anyMatch(EXTENSIONS::equals)
                ? current : current + "," + EXTENSIONS;
    }

    /** Refuses a session created without Iceberg's SQL extensions, naming the setting. */
    public static void requireExtensions(SparkSession spark) {
        if (!Spark3Util.extensionsEnabled(spark)) {
            throw new IllegalStateException("the Spark session lacks Iceberg's SQL extensions (MERGE, CALL): create "
                    + "it with spark.sql.extensions=" + EXTENSIONS + " (IcebergTables.sessionSettings()); "
                    + "extensions cannot be added to a running session");
        }
    }

    /** Registers the target's catalog in {@code spark} (warehouse case) and creates the namespace if missing. */
    public static IcebergTables open(SparkSession spark, Target target) {
        requireExtensions(spark);
        IcebergTables tables = new IcebergTables(spark, target);
        String prefix = "spark.sql.catalog." + target.catalogName();
        if (target.isWarehouse()) {
            tables.setSession(prefix, "org.apache.iceberg.spark.SparkCatalog");
            tables.setSession(prefix + ".type", "hadoop");
            tables.setSession(prefix + ".warehouse", target.warehouse());
            // a cached table would not see another writer's commits, and the done keys must
            tables.setSession(prefix + ".cache-enabled", "false");
        } else {
            checkUserCatalog(spark, target, prefix);
        }
        String create = "CREATE NAMESPACE IF NOT EXISTS " + target.catalogName() + "." + target.namespace();
        try {
            spark.sql(create);
        } catch (RuntimeException e) {
            // two runs starting together on a fresh catalog: both saw no namespace, one insert lost; now it exists
            try {
                spark.sql(create);
            } catch (RuntimeException again) {
                tables.close();
                again.addSuppressed(e);
                throw again;
            }
        }
        return tables;
    }

    private static void checkUserCatalog(SparkSession spark, Target target, String prefix) {
        if (spark.conf().getOption(prefix).isEmpty()) {
            throw new IllegalArgumentException("--catalog " + target.catalog() + " is not configured: set " + prefix
                    + "=org.apache.iceberg.spark.SparkCatalog and its type, uri and warehouse (conf/iceberg-rest.conf)");
        }
        String type = spark.conf().get(prefix + ".type", "");
        String impl = spark.conf().get(prefix + ".catalog-impl", "");
        String warehouse = spark.conf().get(prefix + ".warehouse", "");
        boolean hadoop = type.equalsIgnoreCase("hadoop") || impl.endsWith(".HadoopCatalog");
        if (hadoop && !target.leaseHeld() && !Target.atomicRename(warehouse)) {
            throw new IllegalArgumentException("--no-lease with catalog " + target.catalog() + ", a Hadoop catalog "
                    + "on " + Redact.text(warehouse) + ": commits there are renames that are not atomic; keep the "
                    + "lease or use a catalog that commits atomically (REST, Glue, Hive, JDBC)");
        }
    }

    private void setSession(String key, String value) {
        previous.put(key, spark.conf().contains(key) ? spark.conf().get(key) : null);
        set.put(key, value);
        spark.conf().set(key, value);
    }

    /** The session settings {@code open} made (restored by {@link #close}). */
    public Map<String, String> settingsMade() {
        return Collections.unmodifiableMap(set);
    }

    public Target target() {
        return target;
    }

    /**
     * Creates {@code name} with {@code schema} and {@code layout} if missing (format version 2, copy-on-write for
     * MERGE, UPDATE and DELETE so no delete files exist, serializable MERGE so racing inserts of one key conflict,
     * hash-distributed writes); an existing table gains the schema's new columns (as optional columns). The layout
     * and properties of an existing table are left as they are.
     */
    public Table ensureTable(String name, StructType schema, TableLayout layout) {
        Catalog catalog = Spark3Util.loadIcebergCatalog(spark, target.catalogName());
        TableIdentifier id = TableIdentifier.of(target.namespace(), name);
        target.qualified(name); // refuses a name that is not a plain identifier
        Schema wanted = SparkSchemaUtil.convert(schema);
        if (!catalog.tableExists(id)) {
            try {
                return catalog.buildTable(id, wanted).withPartitionSpec(layout.spec(wanted))
                        .withSortOrder(layout.order(wanted)).withProperties(Map.of(
                                TableProperties.FORMAT_VERSION, "2",
                                TableProperties.MERGE_MODE, "copy-on-write",
                                TableProperties.MERGE_ISOLATION_LEVEL, "serializable",
                                TableProperties.UPDATE_MODE, "copy-on-write",
                                TableProperties.DELETE_MODE, "copy-on-write",
                                TableProperties.WRITE_DISTRIBUTION_MODE, "hash"))
                        .create();
            } catch (org.apache.iceberg.exceptions.AlreadyExistsException raced) {
                // another run created it between the check and the create: evolve that one instead
            }
        }
        Table table = catalog.loadTable(id);
        UpdateSchema union = table.updateSchema().unionByNameWith(wanted);
        if (!union.apply().sameSchema(table.schema())) {
            union.commit();
        }
        return table;
    }

    /**
     * Commits a wave's {@code rows} to {@code table} once per key ({@code keyColumns}, null-safe): rows whose key the
     * table already has are dropped, so a retried wave, a resumed run or a concurrent duplicate adds no second row.
     * The rows are staged as Parquet before the commit, and a MERGE that loses a race is re-run from them, never by
     * recomputing {@code rows}. One Iceberg commit (or none, when every key is present) carrying {@link #RUN_ID} and
     * {@link #WAVE}.
     */
    public WaveCommit mergeWave(String table, Dataset<Row> rows, List<String> keyColumns, String runId, int wave) {
        return mergeWave(table, rows, keyColumns, null, runId, wave);
    }

    /**
     * As {@link #mergeWave(String, Dataset, List, String, int)}, but a table row meeting {@code replaceWhen} (SQL on
     * the table's row as {@code t}, e.g. {@code t.status <> 'ok'}) is replaced by the wave's row with its key.
     */
    public WaveCommit mergeWave(String table, Dataset<Row> rows, List<String> keyColumns, String replaceWhen,
                                String runId, int wave) {
        return new WaveMerge(spark, target.qualified(table), load(table), keyColumns, runId, wave, replaceWhen)
                .commit(table, rows);
    }

    /** Whether {@code table} exists in the target's namespace. */
    public boolean exists(String table) {
        return Spark3Util.loadIcebergCatalog(spark, target.catalogName())
                .tableExists(TableIdentifier.of(target.namespace(), table));
    }

    /** Deletes every row of {@code table} (when it exists) in one commit: {@code --overwrite}, auditable. */
    public void deleteAll(String table, String runId) {
        if (exists(table)) {
            withCommitProperties(runId, 0, () -> spark.sql("DELETE FROM " + target.qualified(table)));
        }
    }

    /** Appends {@code rows} to {@code table} in one commit carrying {@link #RUN_ID} and {@link #WAVE}. */
    public void append(String table, Dataset<Row> rows, String runId, int wave) {
        String name = target.qualified(table);
        withCommitProperties(runId, wave, () -> {
            rows.writeTo(name).append();
            return null;
        });
    }

    /** The table's current snapshot. */
    public Dataset<Row> read(String table) {
        String name = target.qualified(table);
        spark.catalog().refreshTable(name);
        return spark.table(name);
    }

    /** The key columns of every row: a projected scan that reads no other column (no mask bytes). */
    public Dataset<Row> doneKeys(String table, List<String> keyColumns) {
        return read(table).select(WaveMerge.columns(keyColumns));
    }

    /**
     * The key columns of the rows that match {@code condition} (for example: ok, or an error that is not retryable);
     * the scan reads the key columns and the condition's columns only.
     */
    public Dataset<Row> doneKeys(String table, List<String> keyColumns, Column condition) {
        return read(table).where(condition).select(WaveMerge.columns(keyColumns));
    }

    /** Rewrites small files, expires old snapshots and removes orphan files of {@code compaction.tables()}. */
    public CompactionResult compact(Compaction compaction) {
        return new LakeMaintenance(spark, this::load).run(compaction);
    }

    /** The Iceberg table behind {@code table}, freshly loaded. */
    public Table load(String table) {
        try {
            return Spark3Util.loadIcebergTable(spark, target.qualified(table));
        } catch (org.apache.spark.sql.catalyst.parser.ParseException
                 | org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
            throw new IllegalArgumentException("no lake table " + target.qualified(table) + ": " + e.getMessage(), e);
        }
    }

    static <R> R withCommitProperties(String runId, int wave, java.util.concurrent.Callable<R> commit) {
        return CommitMetadata.withCommitProperties(Map.of(RUN_ID, runId, WAVE, Integer.toString(wave)), commit,
                RuntimeException.class);
    }

    /** Restores the session settings {@code open} made to their earlier values. */
    @Override
    public void close() {
        for (Map.Entry<String, String> e : previous.entrySet()) {
            if (e.getValue() == null) {
                spark.conf().unset(e.getKey());
            } else {
                spark.conf().set(e.getKey(), e.getValue());
            }
        }
        previous.clear();
    }
}
