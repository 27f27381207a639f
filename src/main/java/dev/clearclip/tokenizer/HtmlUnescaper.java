package dev.clearclip.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python's {@code html.unescape} (3.11), which CLIP's text cleaning applies twice. Hand-written because the JDK has no
 * HTML5 entity table and Python resolves entities without ';' by longest known prefix, which no Java library mirrors.
 * The tables come from html5-entities.tsv (see src/main/scripts/gen_html5_entities.py).
 */
final class HtmlUnescaper {
    // the same alternatives as Python's html._charref
    private static final Pattern CHARREF =
            Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");
    private static final BigInteger MAX_CODE_POINT = BigInteger.valueOf(Character.MAX_CODE_POINT);
    private static final String RESOURCE = "html5-entities.tsv";

    private final Map<String, String> named = new HashMap<>();
    private final Map<Integer, String> replacedNumbers = new HashMap<>();
    private final Set<Integer> droppedNumbers = new HashSet<>();

    private static final class Holder {
        static final HtmlUnescaper INSTANCE = new HtmlUnescaper();
    }

    static HtmlUnescaper instance() {
        return Holder.INSTANCE;
    }

    private HtmlUnescaper() {
        try (InputStream in = HtmlUnescaper.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("class-path resource missing: dev/clearclip/tokenizer/" + RESOURCE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                switch (f[0]) {
                    case "E" -> named.put(f[1], fromHexCodePoints(f[2]));
                    case "R" -> replacedNumbers.put(Integer.parseInt(f[1]), fromHexCodePoints(f[2]));
                    case "X" -> droppedNumbers.add(Integer.parseInt(f[1]));
                    default -> throw new IllegalStateException("bad line in " + RESOURCE + ": " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = CHARREF.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        int last = 0;
        while (m.find()) {
            out.append(s, last, m.start()).append(replace(m.group(1)));
            last = m.end();
        }
        return out.append(s, last, s.length()).toString();
    }

    private String replace(String ref) {
        if (ref.charAt(0) == '#') {
            boolean hex = ref.charAt(1) == 'x' || ref.charAt(1) == 'X';
            String digits = stripSemicolon(ref.substring(hex ? 2 : 1));
            return numeric(new BigInteger(digits, hex ? 16 : 10));
        }
        String whole = named.get(ref);
        if (whole != null) {
            return whole;
        }
        // longest known prefix of at least 2 characters, the rest kept verbatim (entity names are ASCII)
        for (int x = ref.length() - 1; x > 1; x--) {
            String value = named.get(ref.substring(0, x));
            if (value != null) {
                return value + ref.substring(x);
            }
        }
        return "&" + ref;
    }

    private String numeric(BigInteger number) {
        if (number.compareTo(MAX_CODE_POINT) > 0) {
            return "\uFFFD";
        }
        int cp = number.intValue();
        String replaced = replacedNumbers.get(cp);
        if (replaced != null) {
            return replaced;
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            return "\uFFFD";
        }
        if (droppedNumbers.contains(cp)) {
            return "";
        }
        return new String(Character.toChars(cp));
    }

    private static String stripSemicolon(String s) {
        return s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
    }

    private static String fromHexCodePoints(String hexList) {
        StringBuilder sb = new StringBuilder();
        for (String hex : hexList.split(" ")) {
            sb.appendCodePoint(Integer.parseInt(hex, 16));
        }
        return sb.toString();
    }
}
