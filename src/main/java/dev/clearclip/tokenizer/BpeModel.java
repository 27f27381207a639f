package dev.clearclip.tokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Byte-level BPE with CLIP's '</w>' end-of-word marker: token ids plus merge ranks, applied lowest rank first. */
final class BpeModel {
    static final String END_OF_WORD = "</w>";

    /** one line of a merges file; {@code line} only for error messages */
    record Merge(String first, String second, int line) {
    }

    private final String source;
    private final int[] symbolId;          // byte character -> id
    private final int[] symbolEndOfWordId; // byte character -> id of the character + "</w>"
    private final Map<Long, Long> merges;  // (left id, right id) -> (rank << 32 | merged id)
    private final int startOfText;
    private final int endOfText;
    private final int size;

    BpeModel(String source, Map<String, Integer> encoder, List<Merge> mergeList, String startToken, String endToken) {
        this.source = source;
        int maxChar = ByteLevel.SYMBOLS_IN_VOCAB_ORDER.stream().mapToInt(s -> s.charAt(0)).max().orElseThrow();
        symbolId = new int[maxChar + 1];
        symbolEndOfWordId = new int[maxChar + 1];
        for (String symbol : ByteLevel.SYMBOLS_IN_VOCAB_ORDER) {
            symbolId[symbol.charAt(0)] = id(encoder, symbol, "byte symbol");
            symbolEndOfWordId[symbol.charAt(0)] = id(encoder, symbol + END_OF_WORD, "byte symbol");
        }
        merges = new HashMap<>(mergeList.size() * 2);
        for (int rank = 0; rank < mergeList.size(); rank++) {
            Merge m = mergeList.get(rank);
            String what = "merge on line " + m.line() + " ('" + m.first() + " " + m.second() + "')";
            long key = pair(id(encoder, m.first(), what), id(encoder, m.second(), what));
            int merged = id(encoder, m.first() + m.second(), what);
            // Python would silently keep the last rank of a repeated pair; a well-formed merges file has none
            if (merges.putIfAbsent(key, ((long) rank << 32) | merged) != null) {
                throw new IllegalArgumentException(source + ": " + what + " repeats an earlier merge");
            }
        }
        startOfText = id(encoder, startToken, "special token");
        endOfText = id(encoder, endToken, "special token");
        size = encoder.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    }

    private int id(Map<String, Integer> encoder, String token, String what) {
        Integer id = encoder.get(token);
        if (id == null) {
            throw new IllegalArgumentException(source + ": " + what + " needs token '" + token
                    + "', which is not in the vocabulary");
        }
        return id;
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    int startOfText() {
        return startOfText;
    }

    int endOfText() {
        return endOfText;
    }

    int size() {
        return size;
    }

    /** ids of one pre-token already mapped by {@link ByteLevel#encode}; non-empty */
    int[] apply(String byteToken) {
        int n = byteToken.length();
        int[] word = new int[n];
        for (int i = 0; i < n; i++) {
            char c = byteToken.charAt(i);
            word[i] = i == n - 1 ? symbolEndOfWordId[c] : symbolId[c];
        }
        while (n > 1) {
            long best = Long.MAX_VALUE;
            int bestAt = -1;
            for (int i = 0; i + 1 < n; i++) {
                Long rankAndId = merges.get(pair(word[i], word[i + 1]));
                if (rankAndId != null && rankAndId < best) {
                    best = rankAndId;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                break;
            }
            n = mergeAll(word, n, word[bestAt], word[bestAt + 1], (int) best);
        }
        return Arrays.copyOf(word, n);
    }

    // replaces every non-overlapping (left, right), scanning left to right, by `merged`; in place, returns the new length
    private static int mergeAll(int[] word, int n, int left, int right, int merged) {
        int out = 0;
        for (int i = 0; i < n; ) {
            if (i + 1 < n && word[i] == left && word[i + 1] == right) {
                word[out++] = merged;
                i += 2;
            } else {
                word[out++] = word[i++];
            }
        }
        return out;
    }
}
