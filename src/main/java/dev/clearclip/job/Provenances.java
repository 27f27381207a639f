package dev.clearclip.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clearclip.inference.QueryEmbeddings;
import dev.clearclip.inference.SegmenterSpec;
import dev.clearclip.spark.Provenance;

import java.io.IOException;
import java.io.InputStream;
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

    static Provenance of(SegmenterSpec spec, JobSettings s, String runId, String runDate) {
        return new Provenance(spec.modelId(), spec.weightsSha256(), settingsJson(spec, s), codeVersion(), runId,
                runDate);
    }

    static String settingsJson(SegmenterSpec spec, JobSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", spec.modelId());
        m.put("segmentation", spec.settings());
        m.put("output", spec.output());
        List<Map<String, Object>> vocabularies = new ArrayList<>();
        for (QueryEmbeddings q : spec.vocabularies()) {
            vocabularies.add(Map.of("name", q.vocabulary(), "sha256", q.sha256(), "classes", q.classes()));
        }
        m.put("vocabularies", vocabularies);
        m.put("device", s.device());
        m.put("batch_size", s.batchSize());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write settings as JSON", e);
        }
    }

    /** The project version Maven recorded in the jar, or "dev" when run from classes. */
    static String codeVersion() {
        try (InputStream in = Provenances.class.getResourceAsStream(
                "/META-INF/maven/dev.clearclip/clearclip-spark/pom.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
