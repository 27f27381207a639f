package dev.clearclip.job;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress counts images of a task that is still running, from its executor's heartbeats. */
class ImagesDoneListenerTest {

    @Test
    void aRunningTasksImagesAreCountedBeforeItEnds() throws Exception {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("ImagesDoneListenerTest")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.executor.heartbeatInterval", "200ms").getOrCreate();
        try {
            LongAccumulator done = spark.sparkContext().longAccumulator("clearclip.images_done");
            ImagesDoneListener listener = new ImagesDoneListener(done);
            spark.sparkContext().addSparkListener(listener);
            List<Integer> images = IntStream.range(0, 12).boxed().toList();
            CompletableFuture<Long> job = CompletableFuture.supplyAsync(() ->
                    JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(images, 1).map(i -> {
                        done.add(1);
                        Thread.sleep(400);
                        return i;
                    }).count());
            long seenWhileRunning = 0;
            while (!job.isDone()) {
                long now = listener.imagesDone();
                if (done.value() == 0) { // the one task has not ended: only heartbeats can tell
                    seenWhileRunning = Math.max(seenWhileRunning, now);
                }
                Thread.sleep(50);
            }
            assertEquals(12L, job.get());
            // the heartbeats' counts, seen before the task's end reached the accumulator
            assertTrue(seenWhileRunning > 0 && seenWhileRunning <= 12,
                    "progress while the only task ran: " + seenWhileRunning);
            Thread.sleep(300); // the listener bus delivers the task's end
            assertEquals(12, listener.imagesDone(), "after the end: the accumulator, counted once");
        } finally {
            spark.stop();
        }
    }
}
