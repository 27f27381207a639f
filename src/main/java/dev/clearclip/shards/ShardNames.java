package dev.clearclip.shards;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shard file names and the numeric brace ranges of shard patterns ({@code {00000..00999}}, as WebDataset's
 * braceexpand writes them). Hadoop globs have {@code {a,b}} but no ranges, so ranges are expanded here; zero padding
 * is kept (the width of the wider bound when either bound has a leading zero).
 */
public final class ShardNames {

    /** More names than this from one pattern is a typo, not a corpus. */
    public static final int MAX_EXPANDED = 10_000_000;

    private static final Pattern RANGE = Pattern.compile("\\{(\\d+)\\.\\.(\\d+)}");

    private ShardNames() {
    }

    /** {@code .tar}, {@code .tar.gz} or {@code .tgz}, case-insensitive. */
    public static boolean isShard(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".tar") || isGzip(n);
    }

    public static boolean isGzip(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".tar.gz") || n.endsWith(".tgz");
    }

    public static boolean hasRange(String pattern) {
        return RANGE.matcher(pattern).find();
    }

    /** The pattern with each numeric range replaced by {@code replacement} (e.g. a Hadoop glob {@code *}). */
    public static String replaceRanges(String pattern, String replacement) {
        return RANGE.matcher(pattern).replaceAll(Matcher.quoteReplacement(replacement));
    }

    /** Every name the pattern's numeric ranges stand for, in order; a pattern without ranges is itself. */
    public static List<String> expandRanges(String pattern) {
        Matcher m = RANGE.matcher(pattern);
        if (!m.find()) {
            return List.of(pattern);
        }
        String lo = m.group(1);
        String hi = m.group(2);
        long from = parse(lo, pattern);
        long to = parse(hi, pattern);
        if (from > to) {
            throw new IllegalArgumentException("range {" + lo + ".." + hi + "} in " + pattern + " runs backwards");
        }
        boolean padded = (lo.length() > 1 && lo.charAt(0) == '0') || (hi.length() > 1 && hi.charAt(0) == '0');
        int width = padded ? Math.max(lo.length(), hi.length()) : 0;
        List<String> tails = expandRanges(pattern.substring(m.end()));
        if ((to - from + 1) * tails.size() > MAX_EXPANDED) {
            throw new IllegalArgumentException(pattern + " stands for more than " + MAX_EXPANDED + " names");
        }
        String head = pattern.substring(0, m.start());
        List<String> names = new ArrayList<>((int) ((to - from + 1) * tails.size()));
        for (long i = from; i <= to; i++) {
            String n = Long.toString(i);
            String number = n.length() < width ? "0".repeat(width - n.length()) + n : n;
            for (String tail : tails) {
                names.add(head + number + tail);
            }
        }
        return names;
    }

    private static long parse(String digits, String pattern) {
        if (digits.length() > 18) {
            throw new IllegalArgumentException("range bound " + digits + " in " + pattern + " is too long");
        }
        return Long.parseLong(digits);
    }
}
