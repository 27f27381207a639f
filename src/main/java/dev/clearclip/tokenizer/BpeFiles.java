package dev.clearclip.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** OpenAI's merges-only BPE file, and the merges-line syntax it shares with Hugging Face's merges.txt. */
final class BpeFiles {
    // open_clip's names; Hugging Face calls the same ids <|startoftext|> / <|endoftext|>
    static final String OPEN_CLIP_START = "<start_of_text>";
    static final String OPEN_CLIP_END = "<end_of_text>";
    static final String HF_START = "<|startoftext|>";
    static final String HF_END = "<|endoftext|>";
    /** open_clip reads exactly this many merges (49152 - 256 - 2) after the header line */
    static final int OPENAI_MERGE_COUNT = 48894;

    private BpeFiles() {
    }

    /** OpenAI's bpe_simple_vocab_16e6.txt.gz; ids follow from the merge order exactly as in open_clip */
    static BpeModel openAi(InputStream gzipped, String source) throws IOException {
        List<BpeModel.Merge> merges = new ArrayList<>(OPENAI_MERGE_COUNT);
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(gzipped, 1 << 16), StandardCharsets.UTF_8), 1 << 16)) {
            reader.readLine(); // header
            for (int line = 2; merges.size() < OPENAI_MERGE_COUNT; line++) {
                String text = reader.readLine();
                if (text == null) {
                    throw new IllegalArgumentException(source + " ends after " + merges.size() + " merges, expected "
                            + OPENAI_MERGE_COUNT);
                }
                merges.add(parseMerge(text, line, source));
            }
        }
        List<String> vocab = new ArrayList<>(ByteLevel.SYMBOLS_IN_VOCAB_ORDER);
        ByteLevel.SYMBOLS_IN_VOCAB_ORDER.forEach(s -> vocab.add(s + BpeModel.END_OF_WORD));
        merges.forEach(m -> vocab.add(m.first() + m.second()));
        vocab.add(OPEN_CLIP_START);
        vocab.add(OPEN_CLIP_END);
        Map<String, Integer> encoder = new HashMap<>(vocab.size() * 2);
        for (int id = 0; id < vocab.size(); id++) {
            encoder.put(vocab.get(id), id);
        }
        return new BpeModel(source, encoder, merges, OPEN_CLIP_START, OPEN_CLIP_END);
    }

    static BpeModel.Merge parseMerge(String text, int line, String source) {
        int space = text.indexOf(' ');
        if (space <= 0 || space == text.length() - 1 || text.indexOf(' ', space + 1) >= 0) {
            throw new IllegalArgumentException(source + " line " + line + ": expected 'left right', got '" + text + "'");
        }
        return new BpeModel.Merge(text.substring(0, space), text.substring(space + 1), line);
    }
}
