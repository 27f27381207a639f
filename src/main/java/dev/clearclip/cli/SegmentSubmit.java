package dev.clearclip.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Entry point for spark-submit ({@code --class dev.clearclip.cli.SegmentSubmit}): {@code clearclip segment ARGS}, so
 * the master and Spark settings are spark-submit's ({@code --master} is then normally left out) and the global
 * options ({@code --offline}, {@code --verbose}) work as on the command line.
 */
public final class SegmentSubmit {

    private SegmentSubmit() {
    }

    public static void main(String[] args) {
        List<String> all = new ArrayList<>();
        List<String> global = List.of("--offline", "--allow-insecure-hub", "--verbose");
        for (String a : args) {
            if (global.contains(a)) {
                all.add(a); // global options go before the command
            }
        }
        all.add("segment");
        for (String a : args) {
            if (!global.contains(a)) {
                all.add(a);
            }
        }
        System.exit(Main.run(all.toArray(String[]::new), System.out, System.err));
    }
}
