package dev.clearclip.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.pipeline.PipelinePlan;
import dev.clearclip.spark.Provenance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Builds the provenance of a run: settings as JSON (only segmentation settings: no Spark or S3A conf) and code version. */
final class Provenances {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Provenances() {
    }

    static Provenance of(PipelinePlan plan, String runId, String runDate) {
        return new Provenance(plan.modelId(), plan.weightsSha256(), codeVersion(), runId, runDate);
    }

    /** The run's settings for the runs table: every vocabulary's (as requested), device and batch size. */
    static String runSettingsJson(PipelinePlan plan, JobSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> vocabularies = new ArrayList<>();
        try {
            for (int v = 0; v < plan.vocabularies().size(); v++) {
                vocabularies.add(JSON.readTree(plan.settingsJson(v, plan.device(), plan.precision())));
            }
            m.put("vocabularies", vocabularies);
            m.put("device_requested", plan.device());
            m.put("batch_size", s.execution().batchSize());
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write settings as JSON", e);
        }
    }

    /** The build's version and git commit, as Maven recorded them in {@code clearclip/build.properties}. */
    static String codeVersion() {
        try (InputStream in = Provenances.class.getResourceAsStream("/clearclip/build.properties")) {
            if (in == null) {
                throw new IllegalStateException("clearclip/build.properties is missing: build with Maven");
            }
            Properties p = new Properties();
            p.load(in);
            String commit = p.getProperty("commit", "");
            return p.getProperty("version") + (commit.isBlank() || commit.startsWith("${") ? "" : "+" + commit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
