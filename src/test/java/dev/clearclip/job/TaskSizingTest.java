package dev.clearclip.job;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How many segmentation tasks a wave gets: fixed, by a given count per task, or by time at the run's pace. */
class TaskSizingTest {

    private static JobSettings.Execution execution(Integer partitions, Integer imagesPerPartition) {
        return new JobSettings.Execution(partitions, imagesPerPartition, 8, 1 << 20, 30, null);
    }

    @Test
    void byTimeTasksHoldAboutTwoMinutesOfACoresWorkInAMultipleOfTheCores() {
        // ViT-B/16 on CPU cores: 0.5 images/s per core -> 60 images per task
        assertEquals(64, SegmentJob.partitions(execution(null, null), 3000, 0.5 * 64, 64), "50 tasks, up to 64");
        assertEquals(128, SegmentJob.partitions(execution(null, null), 7000, 0.5 * 64, 64), "117 tasks, up to 128");
        // a fast model at 350 images/s on 2 cores: 21,000 per task, so 100,000 images are 5 tasks, made 6
        assertEquals(6, SegmentJob.partitions(execution(null, null), 100_000, 350, 2));
        assertEquals(2, SegmentJob.partitions(execution(null, null), 10, 350, 2), "never fewer than the cores");
    }

    @Test
    void aGivenCountPerTaskOrFixedCountIsKept() {
        assertEquals(1563, SegmentJob.partitions(execution(null, 64), 100_000, 350, 2));
        assertEquals(2, SegmentJob.partitions(execution(null, 64), 10, 350, 2));
        assertEquals(7, SegmentJob.partitions(execution(7, null), 100_000, 350, 2));
    }
}
