package dev.clearclip.deploy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every CPU entry point gives executors the same glibc settings as the local launcher: without them libtorch's big
 * freed blocks are unmapped and page-faulted back on each op (bench/RESULTS.md: ViT-B/16 fp32 0.74 vs 0.59 images/s).
 */
class AllocatorSettingsTest {
    private static final Pattern SETTING = Pattern.compile("(MALLOC_(?:MMAP_THRESHOLD|TRIM_THRESHOLD|TOP_PAD)_)"
            + "[\"\\s]*[=:\\s]+[\"\\s]*(?:\\$\\{\\1:-)?(\\d+)");

    @ParameterizedTest
    @ValueSource(strings = {"conf/spark-defaults-cpu-cluster.conf", "deploy/docker/Dockerfile",
            "deploy/emr/segment-step.json"})
    void cpuDeploymentsUseTheLaunchersValues(String file) {
        assertEquals(settings("jobs/clearclip"), settings(file), file);
    }

    private static Map<String, String> settings(String file) {
        Map<String, String> found = new LinkedHashMap<>();
        Matcher m = SETTING.matcher(Project.read(Project.root().resolve(file)));
        while (m.find()) {
            found.putIfAbsent(m.group(1), m.group(2));
        }
        assertEquals(3, found.size(), file + " sets " + found.keySet());
        return new java.util.TreeMap<>(found);
    }
}
