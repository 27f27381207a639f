package dev.clearclip.output;

/** Class colours, index = label, as packed {@code 0xRRGGBB}. */
public record Palette(int[] colours) {
    public Palette {
        if (colours == null || colours.length == 0) {
            throw new IllegalArgumentException("a palette needs at least one colour");
        }
        colours = colours.clone();
    }

    /** The PASCAL VOC palette: the bits of the index spread over R, G, B from the high bit down. */
    public static Palette voc(int n) {
        if (n <= 0 || n > 65536) {
            throw new IllegalArgumentException("palette size must be in 1..65536, got " + n);
        }
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            int r = 0;
            int g = 0;
            int b = 0;
            int v = i;
            for (int j = 0; j < 8; j++) {
                r |= (v & 1) << (7 - j);
                g |= ((v >> 1) & 1) << (7 - j);
                b |= ((v >> 2) & 1) << (7 - j);
                v >>= 3;
            }
            c[i] = r << 16 | g << 8 | b;
        }
        return new Palette(c);
    }

    /** The Cityscapes train-id colours (road, sidewalk, ... bicycle), as the benchmark's own tools draw them. */
    public static Palette cityscapes() {
        return new Palette(new int[] {0x804080, 0xF423E8, 0x464646, 0x66669C, 0xBE9999, 0x999999, 0xFAAA1E, 0xDCDC00,
                0x6B8E23, 0x98FB98, 0x4682B4, 0xDC143C, 0xFF0000, 0x00008E, 0x000046, 0x003C64, 0x005064,
                0x0000E6, 0x770B20});
    }

    /** The palette people expect for a preset's vocabulary: Cityscapes' own, else VOC's (any class count). */
    public static Palette forVocabulary(String vocabulary) {
        String v = vocabulary == null ? "" : vocabulary.toLowerCase(java.util.Locale.ROOT).replace("_", "");
        return v.equals("cityscapes") || v.equals("clscityscapes") ? cityscapes() : voc(256);
    }

    public int size() {
        return colours.length;
    }

    /** Colour of a label; labels past the end reuse the palette cyclically. */
    public int colour(int label) {
        return colours[Math.floorMod(label, colours.length)];
    }

    @Override
    public int[] colours() {
        return colours.clone();
    }
}
