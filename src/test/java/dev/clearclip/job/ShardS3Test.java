package dev.clearclip.job;

import dev.clearclip.pipeline.JvmEncoders;
import dev.clearclip.shards.Tars;
import dev.clearclip.spark.TestImages;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WebDataset shards streamed from a real S3 server (s3proxy on 127.0.0.1) by a numeric brace range. */
class ShardS3Test {

    static SparkSession spark;
    static S3ProxyServer s3;
    @TempDir
    static java.nio.file.Path dir;

    @BeforeAll
    static void start() throws Exception {
        JvmEncoders.closeAll();
        s3 = new S3ProxyServer(dir);
        s3.createBucket("corpus");
        s3.createBucket("lake");
        for (int shard = 0; shard < 3; shard++) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            for (int i = 0; i < 3; i++) {
                String key = String.format("%05d%04d", shard, i);
                m.put(key + ".jpg", TestImages.image(32 + i, 24, "jpg"));
                m.put(key + ".txt", ("caption " + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            byte[] tar = Tars.tar(m);
            if (shard == 2) {
                tar = Arrays.copyOf(tar, (int) Tars.dataOffset(m, 2) + 10); // cut in the second sample's image
            }
            s3.put("corpus", String.format("laion/%05d.tar", shard), tar);
        }
        spark = JobTestSupport.localSession("ShardS3Test");
        s3.configure(spark.sparkContext().hadoopConfiguration());
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        if (s3 != null) {
            s3.close();
        }
        JvmEncoders.closeAll();
    }

    @Test
    void shardsByRangeFromS3EverySampleOnceAndARerunWritesNothing() {
        String out = "s3a://lake/shards-out";
        String[] args = {"--input", "s3a://corpus/laion/{00000..00002}.tar", "--output", out, "--model",
                JobTestSupport.MODEL, "--resize-short", "224", "--crop", "224", "--stride", "112", "--classes",
                JobTestSupport.VOC, "--keep-metadata", "txt", "--run-id", "s1"};
        JobTestSupport.Result r = JobTestSupport.segment(args);
        assertEquals(0, r.exit(), r.err());
        Map<String, String> status = new HashMap<>();
        for (Row row : spark.read().parquet(out + "/masks").collectAsList()) {
            assertTrue(status.put(row.getAs("uri"), row.getAs("status")) == null, row.<String>getAs("uri"));
            if ("ok".equals(row.getAs("status"))) {
                assertEquals("caption " + row.getAs("key"),
                        row.<String, String>getJavaMap(row.fieldIndex("metadata")).get("txt"));
            }
        }
        assertEquals(8, status.size(), "3 + 3 + the cut shard's first sample and its cut one");
        assertEquals("error", status.get("s3a://corpus/laion/00002.tar#000020001"));
        assertEquals("ok", status.get("s3a://corpus/laion/00002.tar#000020000"));
        assertEquals(7, status.values().stream().filter("ok"::equals).count());

        args[args.length - 1] = "s2";
        JobTestSupport.Result again = JobTestSupport.segment(args);
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("skipped 8  processed 0"), again.out());
        assertEquals(8, spark.read().parquet(out + "/masks").count());
    }
}
