package dev.clearclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.inference.ClassRle;
import dev.clearclip.inference.ClassStats;
import dev.clearclip.inference.PreparedImage;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.inference.VocabularyMask;

import java.io.IOException;

/** The JSON summary of one prediction: what went in (image, model, vocabulary, settings) and per-class statistics. */
final class PredictionReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PredictionReport() {
    }

    static byte[] json(String source, PreparedImage image, String model, String weightsSha256, QueryEmbeddings vocabulary,
                       SegmentationSettings settings, OutputOptions output, VocabularyMask mask) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("image").put("source", source)
                .put("height", image.originalHeight()).put("width", image.originalWidth())
                .put("resized_height", image.height()).put("resized_width", image.width());
        root.putObject("model").put("id", model).put("weights_sha256", weightsSha256);
        ObjectNode vocab = root.putObject("vocabulary").put("name", vocabulary.vocabulary())
                .put("sha256", vocabulary.sha256()).put("queries", vocabulary.queries());
        vocabulary.classNames().forEach(vocab.putArray("classes")::add);
        ObjectNode s = root.putObject("settings")
                .put("resize_short", settings.resizeShort()).put("resize_long", settings.resizeLong())
                .put("crop", settings.crop()).put("stride", settings.stride())
                .put("prob_thd", settings.probThreshold()).put("logit_scale", settings.logitScale())
                .put("attention", settings.attention().label()).put("precision", settings.precision().label())
                .put("window_batch", settings.windowBatch()).put("method", settings.method().label())
                .put("pamr_steps", settings.pamrSteps()).put("gaussian_std", settings.gaussianStd());
        settings.pamrDilations().forEach(s.putArray("pamr_dilations")::add);
        if (settings.areaThreshold() != null) {
            s.put("area_thd", settings.areaThreshold());
        }
        if (!settings.corrections().isEmpty()) {
            settings.corrections().forEach(c -> s.withArray("corrected").add(c.label()));
        }
        if (output.pseudoLabelThreshold() != null) {
            s.put("pseudo_label_thd", output.pseudoLabelThreshold()).put("ignore_index", output.ignoreIndex());
        }
        ArrayNode classes = root.putArray("classes");
        for (ClassStats c : mask.classes()) {
            classes.addObject().put("class_id", c.classId()).put("name", c.name()).put("pixels", c.pixels())
                    .put("fraction", c.fraction()).put("mean_confidence", c.meanConfidence());
        }
        if (output.rle()) {
            ArrayNode rle = root.putArray("rle");
            for (ClassRle r : mask.rle()) {
                ObjectNode entry = rle.addObject().put("class_id", r.classId());
                entry.putArray("size").add(image.originalHeight()).add(image.originalWidth());
                entry.put("counts", r.counts());
            }
        }
        return JSON.writeValueAsBytes(root);
    }
}
