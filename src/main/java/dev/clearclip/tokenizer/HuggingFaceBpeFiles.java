package dev.clearclip.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hugging Face's CLIP tokenizer files; kept apart so that the bundled tokenizer never needs Jackson. */
final class HuggingFaceBpeFiles {
    private HuggingFaceBpeFiles() {
    }

    static BpeModel huggingFace(Path vocabJson, Path mergesTxt) throws IOException {
        Map<String, Integer> encoder;
        try {
            encoder = new ObjectMapper().readValue(vocabJson.toFile(), new TypeReference<Map<String, Integer>>() {
            });
        } catch (JacksonException e) {
            throw new IllegalArgumentException(vocabJson + " is not a JSON object of token -> id: "
                    + e.getOriginalMessage(), e);
        }
        if (encoder == null || encoder.isEmpty()) {
            throw new IllegalArgumentException(vocabJson + " holds no tokens");
        }
        List<BpeModel.Merge> merges = new ArrayList<>();
        List<String> lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            if (!(i == 0 && text.startsWith("#version")) && !text.isEmpty()) {
                merges.add(BpeFiles.parseMerge(text, i + 1, mergesTxt.toString()));
            }
        }
        return new BpeModel(vocabJson + " + " + mergesTxt, encoder, merges, BpeFiles.HF_START, BpeFiles.HF_END);
    }
}
