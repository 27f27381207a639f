package dev.clearclip.lake;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A session created without Iceberg's SQL extensions is refused before anything is registered or written. */
class IcebergSessionCheckTest {

    static SparkSession spark;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("IcebergSessionCheckTest")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void openNamesTheMissingSetting() {
        Target target = Target.warehouse(dir.toUri().toString(), "clearclip", true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> IcebergTables.open(spark, target));
        assertTrue(e.getMessage().contains("spark.sql.extensions=" + IcebergTables.EXTENSIONS), e.getMessage());
        assertFalse(spark.conf().contains("spark.sql.catalog." + target.catalogName()), "nothing registered");
    }
}
