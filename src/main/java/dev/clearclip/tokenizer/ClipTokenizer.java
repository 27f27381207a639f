package dev.clearclip.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's tokenizer, id for id the same as open_clip's SimpleTokenizer + tokenize() (and OpenAI CLIP's): cleaning,
 * the pre-token pattern, byte-level BPE, start/end-of-text ids, truncation and zero padding. Thread-safe.
 */
public final class ClipTokenizer {
    public static final int DEFAULT_CONTEXT_LENGTH = 77;
    private static final String BUNDLED = "bpe_simple_vocab_16e6.txt.gz";
    // open_clip's pattern (the `regex` module, IGNORECASE); the text is already lower case when it runs
    private static final Pattern PRE_TOKEN = Pattern.compile(
            "<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    // enough for any vocabulary plus templates; beyond it words are still encoded, just not remembered
    private static final int CACHE_LIMIT = 100_000;

    private final BpeModel bpe;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private ClipTokenizer(BpeModel bpe) {
        this.bpe = bpe;
    }

    private static final class Bundled {
        static final ClipTokenizer INSTANCE = load();

        private static ClipTokenizer load() {
            try (InputStream in = ClipTokenizer.class.getResourceAsStream(BUNDLED)) {
                if (in == null) {
                    throw new IllegalStateException("class-path resource missing: dev/clearclip/tokenizer/" + BUNDLED);
                }
                return new ClipTokenizer(BpeFiles.openAi(in, BUNDLED));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read bundled " + BUNDLED, e);
            }
        }
    }

    /** OpenAI's merges file shipped in this jar (MIT); one shared instance */
    public static ClipTokenizer bundled() {
        return Bundled.INSTANCE;
    }

    /** a Hugging Face CLIP tokenizer folder's vocab.json + merges.txt (same ids as the bundled file for OpenAI CLIP) */
    public static ClipTokenizer fromHuggingFace(Path vocabJson, Path mergesTxt) throws IOException {
        return new ClipTokenizer(HuggingFaceBpeFiles.huggingFace(vocabJson, mergesTxt));
    }

    /** a Hugging Face CLIP model or tokenizer folder holding vocab.json and merges.txt */
    public static ClipTokenizer fromHuggingFace(Path folder) throws IOException {
        return fromHuggingFace(folder.resolve("vocab.json"), folder.resolve("merges.txt"));
    }

    public int startOfTextId() {
        return bpe.startOfText();
    }

    public int endOfTextId() {
        return bpe.endOfText();
    }

    /** one more than the largest id: the text encoder's embedding table needs at least this many rows */
    public int vocabularySize() {
        return bpe.size();
    }

    /** the BPE ids of {@code text}, without start/end-of-text */
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        String cleaned = TextCleaner.clean(text);
        int[] ids = new int[Math.max(8, cleaned.length())];
        int n = 0;
        Matcher m = PRE_TOKEN.matcher(cleaned);
        while (m.find()) {
            int[] piece = encodePreToken(m.group());
            if (n + piece.length > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(ids.length * 2, n + piece.length));
            }
            System.arraycopy(piece, 0, ids, n, piece.length);
            n += piece.length;
        }
        return Arrays.copyOf(ids, n);
    }

    /**
     * One row of open_clip's tokenize(): start-of-text, the BPE ids, end-of-text, zero padded to
     * {@code contextLength}; a longer sequence keeps its first {@code contextLength} ids with the last set to
     * end-of-text.
     */
    public int[] tokenize(String text, int contextLength) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("contextLength must be at least 2 (start and end of text), got "
                    + contextLength);
        }
        int[] ids = encode(text);
        int[] row = new int[contextLength];
        row[0] = bpe.startOfText();
        int kept = Math.min(ids.length, contextLength - 2);
        System.arraycopy(ids, 0, row, 1, kept);
        row[Math.min(ids.length + 1, contextLength - 1)] = bpe.endOfText();
        return row;
    }

    public int[] tokenize(String text) {
        return tokenize(text, DEFAULT_CONTEXT_LENGTH);
    }

    /** open_clip's tokenize() on a batch: one row per text, [texts.size()][contextLength] */
    public int[][] tokenize(List<String> texts, int contextLength) {
        int[][] rows = new int[texts.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = tokenize(texts.get(i), contextLength);
        }
        return rows;
    }

    private int[] encodePreToken(String token) {
        // open_clip seeds its BPE cache with the special tokens, so typed markers become their ids
        if (token.equals(BpeFiles.OPEN_CLIP_START)) {
            return new int[] {bpe.startOfText()};
        }
        if (token.equals(BpeFiles.OPEN_CLIP_END)) {
            return new int[] {bpe.endOfText()};
        }
        int[] cached = cache.get(token);
        if (cached == null) {
            cached = bpe.apply(ByteLevel.encode(token));
            if (cache.size() < CACHE_LIMIT) {
                cache.putIfAbsent(token, cached);
            }
        }
        return cached;
    }
}
