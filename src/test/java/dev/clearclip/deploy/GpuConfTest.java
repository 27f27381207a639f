package dev.clearclip.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GpuConfTest {

    @Test
    void gpuDefaultsUseRealKeysAndAConsistentGpuShare() throws IOException {
        Map<String, String> conf = sparkDefaults(Project.root().resolve("conf/spark-defaults-gpu.conf"));
        assertEquals(List.of(), SubmissionChecks.confProblems("conf/spark-defaults-gpu.conf", conf));
        assertEquals("1", conf.get("spark.executor.resource.gpu.amount"));
        assertTrue(conf.containsKey("spark.executor.memoryOverhead"), "libtorch needs off-heap room");
        assertEquals("cu128", conf.get("spark.executorEnv.PYTORCH_FLAVOR"));
        assertTrue(conf.get("spark.executor.extraJavaOptions").contains("-Dai.djl.offline=true"));
    }

    @Test
    void everySparkSettingsFileInConfUsesRealKeys() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : Project.files(Project.root().resolve("conf"), ".conf")) {
            problems.addAll(SubmissionChecks.confProblems("conf/" + file.getFileName(), sparkDefaults(file)));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyExampleAgreesWithTheGpuDefaults() throws IOException {
        Map<String, String> conf = sparkDefaults(Project.root().resolve("conf/spark-defaults-gpu.conf"));
        List<String> keys = List.of("spark.executor.resource.gpu.amount", "spark.task.resource.gpu.amount",
                "spark.executor.resource.gpu.discoveryScript");
        for (Path file : Project.files(Project.deploy(), ".yaml", ".json", ".py")) {
            String text = Project.read(file);
            for (String key : keys) {
                int at = text.indexOf(key);
                if (at >= 0) {
                    String rest = text.substring(at + key.length(), Math.min(text.length(), at + key.length() + 80));
                    assertTrue(rest.contains(conf.get(key)), file + ": " + key + " differs from conf/spark-defaults-gpu.conf ("
                            + conf.get(key) + ")");
                }
            }
        }
    }

    /** spark-defaults.conf syntax: key, whitespace, value; # comments. Properties.load reads exactly that. */
    static Map<String, String> sparkDefaults(Path file) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Project.read(file)));
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k).strip()));
        return out;
    }
}
