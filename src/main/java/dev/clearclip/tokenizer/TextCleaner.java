package dev.clearclip.tokenizer;

import java.util.Locale;

/**
 * CLIP's text cleaning: {@code whitespace_clean(basic_clean(text)).lower()}, i.e. html.unescape twice, every run of
 * Python whitespace to one space, strip, lower case.
 * ftfy.fix_text (the first step of basic_clean) has no Java port; it is the identity on ordinary text (all fixture
 * strings) and only repairs mojibake, so it is skipped.
 */
final class TextCleaner {
    private TextCleaner() {
    }

    static String clean(String text) {
        HtmlUnescaper html = HtmlUnescaper.instance();
        return collapseWhitespace(html.unescape(html.unescape(text))).toLowerCase(Locale.ROOT);
    }

    static String collapseWhitespace(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean pendingSpace = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isPythonSpace(cp)) {
                pendingSpace = out.length() > 0;
            } else {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    // Python's str.isspace() / re '\s' (Python 3.11); Java's Character.isWhitespace differs (U+0085, U+00A0, U+2007, U+202F)
    static boolean isPythonSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }
}
