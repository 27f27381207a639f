package dev.clearclip.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a configuration key in an example is one the software reading it knows: Spark's own config registry,
 * Spark's resource-scheduling key pattern, S3A's and YARN's constants, and Iceberg's catalog properties under
 * {@code spark.sql.catalog.NAME.}. A misspelt or renamed key fails here instead of
 * being silently ignored on a cluster.
 */
final class ConfKeys {

    /** Environment variables the examples may set on executors (DJL's libtorch override). */
    static final Set<String> EXECUTOR_ENV = Set.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR",
            "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_");

    private static final Pattern RESOURCE =
            Pattern.compile("spark\\.(driver|executor)\\.resource\\.gpu\\.(amount|discoveryScript|vendor)"
                    + "|spark\\.task\\.resource\\.gpu\\.amount");
    private static final Pattern ENV = Pattern.compile("spark\\.(executorEnv|yarn\\.appMasterEnv|kubernetes\\.driverEnv)\\.(.+)");

    /** Keys Spark reads directly, without a registered ConfigEntry. */
    private static final Set<String> UNREGISTERED_SPARK_KEYS = Set.of("spark.master", "spark.app.name");
    /** Hadoop's generic per-scheme FileSystem binding (core-default.xml), not an S3A constant. */
    private static final Pattern FS_IMPL = Pattern.compile("fs\\.[a-z0-9]+\\.impl");
    /** A Spark catalog plugin ({@code spark.sql.catalog.NAME}) and the properties Spark hands it. */
    private static final Pattern CATALOG = Pattern.compile("spark\\.sql\\.catalog\\.[A-Za-z_][A-Za-z0-9_]*(\\.(.+))?");

    private static final Object CONFIG_ENTRIES;
    private static final Set<String> S3A_KEYS = new HashSet<>();
    private static final Set<String> YARN_KEYS = new HashSet<>();
    private static final Set<String> ICEBERG_CATALOG_KEYS = new HashSet<>();

    static {
        try {
            // touching the Scala objects registers their ConfigEntries
            for (String holder : List.of("package$", "UI$", "Network$", "Python$", "Kryo$", "Deploy$", "Worker$",
                    "Status$", "History$")) {
                module("org.apache.spark.internal.config." + holder);
            }
            module("org.apache.spark.sql.internal.SQLConf$");
            module("org.apache.spark.sql.internal.StaticSQLConf$");
            CONFIG_ENTRIES = module("org.apache.spark.internal.config.ConfigEntry$");
            stringConstants("org.apache.hadoop.fs.s3a.Constants", S3A_KEYS);
            stringConstants("org.apache.hadoop.fs.s3a.commit.CommitConstants", S3A_KEYS);
            stringConstants("org.apache.hadoop.yarn.conf.YarnConfiguration", YARN_KEYS);
            for (String holder : List.of("org.apache.iceberg.CatalogProperties", "org.apache.iceberg.CatalogUtil",
                    "org.apache.iceberg.aws.AwsClientProperties",
                    "org.apache.iceberg.aws.s3.S3FileIOProperties", "org.apache.iceberg.rest.auth.OAuth2Properties")) {
                stringConstants(holder, ICEBERG_CATALOG_KEYS);
            }
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ConfKeys() {
    }

    /** Null when {@code key} is a Spark setting the examples may use, else why not. */
    static String sparkProblem(String key) {
        if (RESOURCE.matcher(key).matches()) {
            return null;
        }
        Matcher env = ENV.matcher(key);
        if (env.matches()) {
            return EXECUTOR_ENV.contains(env.group(2)) ? null
                    : "environment variable " + env.group(2) + " is not one the job reads " + EXECUTOR_ENV;
        }
        if (key.startsWith("spark.hadoop.")) {
            String hadoopKey = key.substring("spark.hadoop.".length());
            return S3A_KEYS.contains(hadoopKey) || FS_IMPL.matcher(hadoopKey).matches() ? null
                    : hadoopKey + " is not an S3A setting (hadoop-aws Constants)";
        }
        Matcher catalog = CATALOG.matcher(key);
        if (catalog.matches()) {
            String property = catalog.group(2);
            // REST catalogs pass header.* on to the server as HTTP headers
            return property == null || ICEBERG_CATALOG_KEYS.contains(property) || property.startsWith("header.") ? null
                    : property + " is not an Iceberg catalog property (CatalogProperties, AWS, OAuth2 constants)";
        }
        return UNREGISTERED_SPARK_KEYS.contains(key) || registered(key) ? null : key + " is not in Spark's config registry";
    }

    static boolean yarnKey(String key) {
        return YARN_KEYS.contains(key);
    }

    static boolean s3aKey(String key) {
        return S3A_KEYS.contains(key);
    }

    private static boolean registered(String key) {
        try {
            return CONFIG_ENTRIES.getClass().getMethod("findEntry", String.class).invoke(CONFIG_ENTRIES, key) != null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Spark's ConfigEntry.findEntry is not callable", e);
        }
    }

    private static Object module(String className) throws ReflectiveOperationException {
        return Class.forName(className).getField("MODULE$").get(null);
    }

    private static void stringConstants(String className, Set<String> into) throws ReflectiveOperationException {
        for (Field f : Class.forName(className).getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                into.add((String) f.get(null));
            }
        }
    }
}
