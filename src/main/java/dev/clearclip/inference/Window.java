package dev.clearclip.inference;

/**
 * One crop of the resized image, [y1, y2) x [x1, x2), zero-padded by the given amounts so both sides hold whole
 * patches (the official {@code compute_padsize}: left/top get half, right/bottom the rest).
 */
public record Window(int y1, int y2, int x1, int x2, int padTop, int padBottom, int padLeft, int padRight) {

    public int height() {
        return y2 - y1;
    }

    public int width() {
        return x2 - x1;
    }

    public int paddedHeight() {
        return height() + padTop + padBottom;
    }

    public int paddedWidth() {
        return width() + padLeft + padRight;
    }
}
