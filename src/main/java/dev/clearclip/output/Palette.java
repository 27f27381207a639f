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
