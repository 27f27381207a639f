package dev.clearclip.lake;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lake settings are checked when they are made, with messages that name the setting. */
class TargetTest {

    private static String refused(Runnable make) {
        return assertThrows(IllegalArgumentException.class, make::run).getMessage();
    }

    @Test
    void aWarehouseIsAnAbsoluteFileHdfsOrS3aUriWithoutCredentials() {
        Target t = Target.warehouse("s3a://lake/warehouse/", "clearclip", true);
        assertEquals("s3a://lake/warehouse", t.warehouse());
        assertEquals(t.catalogName(), Target.warehouse("s3a://lake/warehouse", "other", true).catalogName());
        assertNotEquals(t.catalogName(), Target.warehouse("s3a://lake/elsewhere", "clearclip", true).catalogName());
        assertTrue(t.qualified("masks").endsWith(".clearclip.masks"), t.qualified("masks"));

        assertTrue(refused(() -> Target.warehouse("s3://lake/w", "ns", true)).contains("s3a://"));
        assertTrue(refused(() -> Target.warehouse("lake/w", "ns", true)).contains("--output"));
        assertTrue(refused(() -> Target.warehouse("gs://lake/w", "ns", true)).contains("absolute warehouse URI"));
        assertTrue(refused(() -> Target.warehouse("s3a:///w", "ns", true)).contains("bucket"));
        String creds = refused(() -> Target.warehouse("s3a://AKIAEXAMPLE:secretvalue@lake/w", "ns", true));
        assertTrue(creds.contains("credentials"), creds);
        assertFalse(creds.contains("secretvalue"), "the message never repeats a secret: " + creds);
    }

    @Test
    void withoutTheLeaseOnlyAWarehouseWhoseRenameIsAtomicIsAccepted() {
        assertTrue(refused(() -> Target.warehouse("s3a://lake/w", "ns", false)).contains("--no-lease"));
        assertTrue(refused(() -> Target.warehouse("file:/tmp/w", "ns", false)).contains("--no-lease"));
        assertEquals("hdfs://nn:8020/w", Target.warehouse("hdfs://nn:8020/w", "ns", false).warehouse());
        assertEquals("glue", Target.catalog("glue", "annotations", false).catalogName());
    }

    @Test
    void catalogAndNamespaceAreIdentifiersAndExactlyOneOfWarehouseAndCatalog() {
        assertTrue(refused(() -> Target.catalog("my-catalog", "ns", true)).contains("--catalog"));
        assertTrue(refused(() -> Target.catalog("glue", "a.b", true)).contains("--namespace"));
        assertTrue(refused(() -> new Target("file:/w", "glue", "ns", true)).contains("not both"));
        assertTrue(refused(() -> new Target(null, null, "ns", true)).contains("not neither"));
        assertTrue(refused(() -> Target.catalog("glue", "ns", true).qualified("masks; DROP")).contains("table"));
    }

    @Test
    void layoutsAndCompactionsAreCheckedUpFront() {
        assertTrue(refused(() -> TableLayout.byDayAndKey("processed_at", "key", 0)).contains("buckets"));
        assertTrue(refused(() -> new TableLayout(null, null, 4, List.of())).contains("without a bucket column"));
        String young = refused(() -> new Compaction(List.of("masks"), Duration.ofDays(5), 1, Duration.ofHours(2), 5,
                "c"));
        assertTrue(young.contains("--orphan-older-than") && young.contains("in flight"), young);
        assertTrue(refused(() -> new Compaction(List.of("masks"), Duration.ofDays(-1), 1, Duration.ofDays(3), 5,
                "c")).contains("--expire-older-than"));
        assertTrue(refused(() -> new Compaction(List.of(), Duration.ZERO, 1, Duration.ofDays(3), 5, "c"))
                .contains("no tables"));
        assertEquals(Duration.ofDays(3), Compaction.defaults(List.of("masks"), "c").orphanAge());
    }

    @Test
    void theExtensionsSettingKeepsTheUsersOwn() {
        assertEquals(IcebergTables.EXTENSIONS, IcebergTables.extensionsWith(null));
        assertEquals("a.B," + IcebergTables.EXTENSIONS, IcebergTables.extensionsWith("a.B"));
        String both = "a.B, " + IcebergTables.EXTENSIONS;
        assertEquals(both, IcebergTables.extensionsWith(both));
        assertEquals(IcebergTables.EXTENSIONS, IcebergTables.sessionSettings().get("spark.sql.extensions"));
    }
}
