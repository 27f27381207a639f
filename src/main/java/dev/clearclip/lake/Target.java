package dev.clearclip.lake;

import dev.clearclip.io.Hashes;
import dev.clearclip.io.Redact;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where the lake tables live: either a warehouse URI, where {@link IcebergTables#open} keeps an Iceberg Hadoop catalog
 * with nothing else to set up, or the name of a catalog the user configured ({@code spark.sql.catalog.NAME.*}), plus
 * the namespace of the tables. Validated here, so a bad setting fails before any Spark work.
 *
 * <p>A Hadoop catalog commits by renaming a new metadata file into place. Only HDFS renames refuse an existing target,
 * so only there do concurrent writers stay safe; on {@code file:} a rename overwrites, and on {@code s3a:} it is a copy.
 * A warehouse there therefore needs the caller to hold the output's lease for the whole run ({@code leaseHeld}).
 * SQLite (the other way the issue offers) cannot live on s3a: a local copy synced under the lease would be no safer
 * than the lease, and a driver dying between a commit and the upload would leave the copy pointing at older
 * metadata, so the next commit would fork the history and drop a committed wave. Concurrent writers without a lease
 * need a catalog that commits atomically (REST, Glue, Hive, JDBC, Nessie): {@code --catalog}.
 *
 * @param warehouse absolute URI of the warehouse (file:, hdfs:, s3a:), or null for a user catalog
 * @param catalog   the user's Spark catalog name, or null for a warehouse
 * @param namespace namespace (database) of the tables
 * @param leaseHeld whether the caller holds the output's lease for the whole run
 */
public record Target(String warehouse, String catalog, String namespace, boolean leaseHeld) {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Set<String> SCHEMES = Set.of("file", "hdfs", "s3a");
    /** Schemes whose rename is atomic and refuses an existing target, so the Hadoop catalog needs no lease. */
    private static final Set<String> ATOMIC_RENAME = Set.of("hdfs");

    public Target {
        if ((warehouse == null) == (catalog == null)) {
            throw new IllegalArgumentException("give either a warehouse URI (--output) or a catalog name (--catalog), "
                    + "not " + (warehouse == null ? "neither" : "both"));
        }
        if (namespace == null || !IDENTIFIER.matcher(namespace).matches()) {
            throw new IllegalArgumentException("--namespace '" + namespace + "' is not a plain identifier (letters, "
                    + "digits, _; not starting with a digit)");
        }
        if (catalog != null && !IDENTIFIER.matcher(catalog).matches()) {
            throw new IllegalArgumentException("--catalog '" + catalog + "' is not a Spark catalog name (letters, "
                    + "digits, _; not starting with a digit)");
        }
        if (warehouse != null) {
            warehouse = checkWarehouse(warehouse, leaseHeld);
        }
    }

    /** A Hadoop catalog kept at {@code uri}. */
    public static Target warehouse(String uri, String namespace, boolean leaseHeld) {
        return new Target(uri, null, namespace, leaseHeld);
    }

    /** The user's catalog {@code name}, configured through {@code spark.sql.catalog.NAME.*}. */
    public static Target catalog(String name, String namespace, boolean leaseHeld) {
        return new Target(null, name, namespace, leaseHeld);
    }

    public boolean isWarehouse() {
        return warehouse != null;
    }

    /** The Spark catalog name: the user's, or one derived from the warehouse so two warehouses never share one. */
    public String catalogName() {
        return catalog != null ? catalog : "clearclip_" + Hashes.sha256Hex(warehouse).substring(0, 12);
    }

    /** {@code catalog.namespace.table}, as Spark SQL names it. */
    public String qualified(String table) {
        if (table == null || !IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("table name '" + table + "' is not a plain identifier");
        }
        return catalogName() + "." + namespace + "." + table;
    }

    /** The scheme's rename refuses an existing file, so concurrent Hadoop-catalog commits cannot overwrite. */
    static boolean atomicRename(String uri) {
        return ATOMIC_RENAME.contains(scheme(uri));
    }

    static String scheme(String uri) {
        String s = URI.create(uri).getScheme();
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    private static String checkWarehouse(String uri, boolean leaseHeld) {
        String shown = Redact.text(uri);
        URI parsed;
        try {
            parsed = new URI(uri.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--output " + shown + " is not a URI: " + e.getReason(), e);
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("s3") || scheme.equals("s3n")) {
            throw new IllegalArgumentException("--output " + shown + ": write Iceberg warehouses through s3a://");
        }
        if (!SCHEMES.contains(scheme) || parsed.getPath() == null || !parsed.getPath().startsWith("/")) {
            throw new IllegalArgumentException("--output " + shown + " is not an absolute warehouse URI "
                    + "(file:/path, hdfs://host/path or s3a://bucket/path)");
        }
        if (parsed.getRawUserInfo() != null) {
            throw new IllegalArgumentException("--output " + shown + " carries credentials; give them through "
                    + "the Hadoop configuration, never in the URI");
        }
        if (!scheme.equals("file") && parsed.getHost() == null) {
            throw new IllegalArgumentException("--output " + shown + " names no bucket or name node");
        }
        if (!leaseHeld && !ATOMIC_RENAME.contains(scheme)) {
            throw new IllegalArgumentException("--no-lease with a warehouse on " + scheme + ": the Hadoop catalog "
                    + "commits by rename, which is not atomic there, so concurrent writers could lose a commit; keep "
                    + "the lease or use a catalog that commits atomically (--catalog: REST, Glue, Hive, JDBC)");
        }
        String normalised = parsed.normalize().toString();
        return normalised.endsWith("/") ? normalised.substring(0, normalised.length() - 1) : normalised;
    }
}
