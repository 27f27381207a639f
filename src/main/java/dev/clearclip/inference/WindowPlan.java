package dev.clearclip.inference;

import java.util.ArrayList;
import java.util.List;

/** Where the sliding windows go (mmseg/SCLIP {@code slide_inference} geometry). */
public final class WindowPlan {
    private WindowPlan() {
    }

    /**
     * Windows of {@code crop} every {@code stride} pixels, row-major; the last row/column is flush with the border,
     * and a window smaller than the crop (image smaller than the crop) is padded to whole patches.
     */
    public static List<Window> slide(int height, int width, int crop, int stride, int patch) {
        return slide(height, width, crop, stride, patch, true);
    }

    /**
     * As above; with {@code pad} false a window is never padded: the encoder sees its whole patches only and their
     * logits are stretched over the full window (NACLIP, SCLIP).
     */
    public static List<Window> slide(int height, int width, int crop, int stride, int patch, boolean pad) {
        int rows = Math.max(height - crop + stride - 1, 0) / stride + 1;
        int cols = Math.max(width - crop + stride - 1, 0) / stride + 1;
        List<Window> windows = new ArrayList<>(rows * cols);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int y2 = Math.min(r * stride + crop, height);
                int x2 = Math.min(c * stride + crop, width);
                int y1 = Math.max(y2 - crop, 0);
                int x1 = Math.max(x2 - crop, 0);
                int padH = pad ? pad(y2 - y1, patch) : 0;
                int padW = pad ? pad(x2 - x1, patch) : 0;
                windows.add(new Window(y1, y2, x1, x2, padH / 2, padH - padH / 2, padW / 2, padW - padW / 2));
            }
        }
        return windows;
    }

    /**
     * The whole image as one window; with {@code pad} zero-padded to whole patches as {@link #slide} pads (only
     * {@code --corrected padding}: officially the whole-image path feeds only the whole patches).
     */
    public static Window whole(int height, int width, int patch, boolean pad) {
        int padH = pad ? pad(height, patch) : 0;
        int padW = pad ? pad(width, patch) : 0;
        return new Window(0, height, 0, width, padH / 2, padH - padH / 2, padW / 2, padW - padW / 2);
    }

    private static int pad(int size, int patch) {
        return size % patch == 0 ? 0 : patch - size % patch;
    }
}
