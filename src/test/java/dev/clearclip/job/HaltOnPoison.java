package dev.clearclip.job;

import java.util.List;
import java.util.function.Consumer;

/**
 * Test-only engine hook (spark.clearclip.test.beforeEncodeHook): halts the executor JVM, as a native abort would,
 * when a batch about to reach the engine holds an image whose uri contains -Dclearclip.test.poison.
 */
public final class HaltOnPoison implements Consumer<List<String>> {

    @Override
    public void accept(List<String> uris) {
        String poison = System.getProperty("clearclip.test.poison");
        if (poison != null && uris.stream().anyMatch(u -> u.contains(poison))) {
            System.err.println("HaltOnPoison: halting on " + uris);
            Runtime.getRuntime().halt(134);
        }
    }
}
