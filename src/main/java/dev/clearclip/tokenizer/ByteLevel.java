package dev.clearclip.tokenizer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** GPT-2/CLIP {@code bytes_to_unicode}: every UTF-8 byte as one printable character, so BPE runs on strings. */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** the 256 byte characters in CLIP's vocabulary order: printable bytes first, then the remapped ones */
    static final List<String> SYMBOLS_IN_VOCAB_ORDER;

    static {
        List<String> printable = new ArrayList<>();
        List<String> remapped = new ArrayList<>();
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean keep = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = (char) (keep ? b : next++);
            (keep ? printable : remapped).add(String.valueOf(BYTE_TO_CHAR[b]));
        }
        printable.addAll(remapped);
        SYMBOLS_IN_VOCAB_ORDER = List.copyOf(printable);
    }

    private ByteLevel() {
    }

    /** UTF-8 bytes of {@code token} mapped to characters; lone surrogates are rejected as Python's encode() does. */
    static String encode(String token) {
        CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes;
        try {
            bytes = utf8.encode(CharBuffer.wrap(token));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("text contains an unpaired surrogate and has no UTF-8 form: " + token, e);
        }
        StringBuilder out = new StringBuilder(bytes.remaining());
        while (bytes.hasRemaining()) {
            out.append(BYTE_TO_CHAR[bytes.get() & 0xFF]);
        }
        return out.toString();
    }
}
