package dev.clearclip.job;

import picocli.CommandLine;

/**
 * Entry point for spark-submit ({@code --class dev.clearclip.job.SegmentSubmit}): the segment command alone, so the
 * master and Spark settings are spark-submit's; {@code --master} is then normally left out.
 */
public final class SegmentSubmit {

    private SegmentSubmit() {
    }

    public static void main(String[] args) {
        int exit = new CommandLine(new SegmentCommand()).execute(args);
        System.exit(exit);
    }
}
