package dev.clearclip.lake;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * Where readers (evaluate, render) find the job's tables, whatever their format: a folder of Parquet tables
 * ({@code <tables>/masks}), the namespace folder of an Iceberg Hadoop warehouse ({@code <warehouse>/<namespace>},
 * whose {@code masks} is an Iceberg table read by path), or a catalog namespace ({@code catalog.namespace}, tables
 * {@code catalog.namespace.masks}, as configured in the session).
 */
public final class LakeTables {

    private static final Pattern CATALOG_NAMESPACE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+");

    private LakeTables() {
    }

    /** A table of the set at {@code location}: a child path, or a catalog name. */
    public static String child(String location, String table) {
        String base = location.replaceAll("/+$", "");
        return isCatalogName(base) ? base + "." + table : base + "/" + table;
    }

    /** Whether {@code location} names a catalog table ({@code catalog.namespace.table}) rather than a path. */
    public static boolean isCatalogName(String location) {
        return CATALOG_NAMESPACE.matcher(location).matches();
    }

    public static boolean exists(SparkSession spark, String table) {
        if (isCatalogName(table)) {
            return spark.catalog().tableExists(table);
        }
        try {
            Path p = new Path(table);
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + table + ": " + e.getMessage(), e);
        }
    }

    /**
     * The rows of {@code table}: a catalog table, an Iceberg table by path, or Parquet read with {@code schema}
     * (null: inferred). A Parquet folder without data files reads empty with a schema.
     */
    public static Dataset<Row> read(SparkSession spark, String table, StructType schema) {
        if (isCatalogName(table)) {
            spark.catalog().refreshTable(table);
            return spark.table(table);
        }
        if (isIceberg(spark, table)) {
            return spark.table(registerWarehouse(spark, table));
        }
        return schema == null ? spark.read().parquet(table) : spark.read().schema(schema).parquet(table);
    }

    /**
     * Iceberg's path reads go through its default catalog, a Hive one that needs the metastore's classes; the job's
     * warehouse layout is {@code <warehouse>/<namespace>/<table>}, so read it through a Hadoop catalog at the
     * warehouse instead (registered in the session under the name the job's own runs use). Returns the table's name.
     */
    private static String registerWarehouse(SparkSession spark, String table) {
        Path path;
        try {
            Path given = new Path(table.replaceAll("/+$", ""));
            path = given.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(given);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + table + ": " + e.getMessage(), e);
        }
        Path namespace = path.getParent();
        if (namespace == null || namespace.getParent() == null) {
            throw new IllegalArgumentException(table + " is an Iceberg table, but not in a warehouse's namespace "
                    + "folder (<warehouse>/<namespace>/<table>)");
        }
        Target target = Target.warehouse(namespace.getParent().toString(), namespace.getName(), true);
        String prefix = "spark.sql.catalog." + target.catalogName();
        if (spark.conf().getOption(prefix).isEmpty()) {
            spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
            spark.conf().set(prefix + ".type", "hadoop");
            spark.conf().set(prefix + ".warehouse", target.warehouse());
        }
        String name = target.qualified(path.getName());
        spark.catalog().refreshTable(name);
        return name;
    }

    /** An Iceberg table folder holds {@code metadata/*.metadata.json}. */
    static boolean isIceberg(SparkSession spark, String table) {
        try {
            Path metadata = new Path(table.replaceAll("/+$", "") + "/metadata");
            FileSystem fs = metadata.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(metadata)) {
                return false;
            }
            var found = fs.globStatus(new Path(metadata, "*.metadata.json"));
            return found != null && found.length > 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + table + ": " + e.getMessage(), e);
        }
    }
}
