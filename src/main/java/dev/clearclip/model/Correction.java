package dev.clearclip.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A quirk of an official code that is clearly a bug, replaced by the corrected behaviour only when asked
 * ({@code --corrected}); by default every method reproduces its official code, bugs included. The quirks we keep
 * on purpose are listed in the README's methods section.
 */
public enum Correction {
    /**
     * SC-CLIP's outlier detection as textbook LOF (Breunig et al. 2000; scikit-learn's): Euclidean distances and
     * the reach distance {@code max(d_ij, kdist_j)} with the NEIGHBOUR's k-distance. The official code squares the
     * distances and takes the point's own k-distance, so LRD_i = k / kdist_i (clip/model.py:209, 214-215).
     */
    LOF(true),
    /**
     * The positional table is resized for every grid other than the stored g x g one. The official code (ClearCLIP,
     * NACLIP, SC-CLIP, SCLIP) compares token counts only, so a non-square grid with g^2 tokens gets the square table
     * unresized: positions scrambled (clip/model.py:104; its unreachable l.137 shows the intended check).
     */
    POS_EMBED(true),
    /**
     * Windows (and whole images) whose side is not a multiple of the patch are zero-padded to whole patches and the
     * logits cut back, as ClearCLIP's sliding windows are. The official NACLIP/SCLIP/SC-CLIP code feeds only the
     * whole patches and stretches their logits over the full window: the last pixels never reach the network and
     * every patch's logits land up to a patch away from its pixels (naclip.py:65-68).
     */
    PADDING(false);

    private final boolean changesEncoder;

    Correction(boolean changesEncoder) {
        this.changesEncoder = changesEncoder;
    }

    /** Whether it changes the image encoder's features (so it is part of the encoder's identity). */
    public boolean changesEncoder() {
        return changesEncoder;
    }

    /** The flag spelling: lower case, {@code -} between words. */
    public String label() {
        return EnumLabels.label(this).replace('_', '-');
    }

    /** No correction: the official behaviour throughout. */
    public static Set<Correction> none() {
        return Collections.unmodifiableSet(EnumSet.noneOf(Correction.class));
    }

    /**
     * An immutable copy iterating in declaration order (null = none), so that the settings JSON, and the hash made of
     * it, do not depend on the order the user named them in.
     */
    public static Set<Correction> copyOf(Set<Correction> corrections) {
        return corrections == null || corrections.isEmpty() ? none()
                : Collections.unmodifiableSet(EnumSet.copyOf(corrections));
    }

    /** Those of {@code corrections} that change the encoder. */
    public static Set<Correction> encoderOnly(Set<Correction> corrections) {
        EnumSet<Correction> out = EnumSet.noneOf(Correction.class);
        corrections.stream().filter(Correction::changesEncoder).forEach(out::add);
        return Collections.unmodifiableSet(out);
    }

    /** "lof,padding", "all" or "none" -> the set. */
    public static Set<Correction> parseList(String text) {
        String t = text.strip();
        if (t.equalsIgnoreCase("none")) {
            return none();
        }
        if (t.equalsIgnoreCase("all")) {
            return copyOf(EnumSet.allOf(Correction.class));
        }
        EnumSet<Correction> out = EnumSet.noneOf(Correction.class);
        for (String part : t.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            out.add(Arrays.stream(values()).filter(c -> c.label().equalsIgnoreCase(part.strip())).findFirst()
                    .orElseThrow(() -> unknown("unknown correction '" + part.strip() + "'")));
        }
        if (out.isEmpty()) {
            throw unknown("--corrected names no correction");
        }
        return Collections.unmodifiableSet(out);
    }

    private static IllegalArgumentException unknown(String what) {
        return new IllegalArgumentException(what + ": expected a comma-separated list of "
                + Arrays.stream(values()).map(Correction::label).collect(Collectors.joining(", ")) + ", or all, none");
    }
}
