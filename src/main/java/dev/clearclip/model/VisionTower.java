package dev.clearclip.model;

import dev.clearclip.weights.ClipConfig;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * CLIP's ViT image encoder with a selectable last block: patch conv, class token, (interpolated) positional
 * embedding, ln_pre, blocks 0..n-2, the last block, ln_post over all tokens, projection. SC-CLIP reads earlier
 * blocks too and has no CLS output: it runs as {@link ScclipTail} instead of blocks and last block.
 */
final class VisionTower {
    private final NDArray conv1Weight; // (W, 3, p, p)
    private final NDArray classEmbedding; // (W)
    private final PositionalEmbedding positions;
    private final LayerNormParams lnPre;
    private final List<ResidualAttentionBlock> blocks = new ArrayList<>();
    private final LastBlock last; // null for SC-CLIP
    private final ScclipTail scclip; // null unless SC-CLIP
    private final LayerNormParams lnPost;
    private final NDArray projRows; // (E, W): visual.proj transposed, a linear layer's weight
    private final int patch;
    private final MixedPrecision mp;
    private final Kernels kernels;

    /** {@code corrections}: those of the encoder ({@link Correction#LOF}, {@link Correction#POS_EMBED}). */
    VisionTower(ParameterLoader p, LastBlockVariant attention, double gaussianStd, Set<Correction> corrections,
                MixedPrecision mp, Kernels kernels) {
        this.mp = mp;
        this.kernels = kernels;
        ClipConfig.Vision c = p.config().vision();
        float eps = p.config().layerNormEps();
        this.patch = c.patchSize();
        this.conv1Weight = mp.weight(p.array("visual.conv1.weight"));
        this.classEmbedding = p.array("visual.class_embedding");
        this.positions = new PositionalEmbedding(p.array("visual.positional_embedding"), p.manager(),
                corrections.contains(Correction.POS_EMBED));
        this.lnPre = LayerNormParams.load(p, "visual.ln_pre", eps);
        for (int i = 0; i < c.layers() - 1; i++) {
            blocks.add(new ResidualAttentionBlock(p, "visual.transformer.resblocks." + i + ".", c.heads(), mp, kernels));
        }
        String lastPrefix = "visual.transformer.resblocks." + (c.layers() - 1) + ".";
        if (attention == LastBlockVariant.SCCLIP) {
            this.last = null;
            this.scclip = new ScclipTail(blocks, new ScclipAttention(p, lastPrefix, c.heads(), mp, kernels),
                    corrections.contains(Correction.LOF));
        } else {
            this.last = LastBlock.create(attention, p, lastPrefix, c.heads(), gaussianStd, mp, kernels);
            this.scclip = null;
        }
        this.lnPost = LayerNormParams.load(p, "visual.ln_post", eps);
        this.projRows = mp.weight(p.transposed("visual.proj"));
    }

    int patchSize() {
        return patch;
    }

    /** images (B, 3, H, W), H and W multiples of the patch -> all tokens (B, 1 + Hp*Wp, E), CLS first. */
    NDArray tokens(NDArray images) {
        if (scclip != null) {
            throw new IllegalStateException("SC-CLIP outputs patch features only (no CLS token)");
        }
        NDArray x = lnPre.apply(embed(images));
        for (ResidualAttentionBlock block : blocks) {
            x = block.forward(x);
        }
        return project(last.forward(x, gridH(images), gridW(images)));
    }

    /** images (B, 3, H, W) -> patch features (B, Hp*Wp, E) after ln_post and proj. */
    NDArray patches(NDArray images) {
        if (scclip == null) {
            return tokens(images).get(":, 1:, :");
        }
        return project(scclip.forward(lnPre.apply(embed(images)), gridH(images), gridW(images)));
    }

    private int gridH(NDArray images) {
        return (int) (images.getShape().get(2) / patch);
    }

    private int gridW(NDArray images) {
        return (int) (images.getShape().get(3) / patch);
    }

    /** conv1 patches + class token + positional embedding, before ln_pre: (B, L, W). */
    NDArray embed(NDArray images) {
        Shape s = images.getShape();
        long b = s.get(0);
        if (s.get(1) != 3 || s.get(2) % patch != 0 || s.get(3) % patch != 0) {
            throw new IllegalArgumentException("image batch " + s + " is not (B, 3, H, W) with H, W multiples of " + patch);
        }
        int hp = (int) (s.get(2) / patch);
        int wp = (int) (s.get(3) / patch);
        NDArray patches = Conv2d.conv2d(mp.compute(images), conv1Weight, null, new Shape(patch, patch), new Shape(0, 0),
                new Shape(1, 1), 1).singletonOrThrow(); // (B, W, Hp, Wp)
        long w = patches.getShape().get(1);
        NDArray seq = mp.fp32(patches.reshape(b, w, (long) hp * wp).transpose(0, 2, 1)); // (B, Hp*Wp, W)
        NDArray cls = images.getManager().zeros(new Shape(b, 1, w), classEmbedding.getDataType()).addi(classEmbedding);
        return cls.concat(seq, 1).addi(positions.forGrid(hp, wp)); // (B, L, W)
    }

    /** The positional table used for a hp x wp grid (exposed for parity tests). */
    NDArray positionalTable(int hp, int wp) {
        return positions.forGrid(hp, wp);
    }

    LayerNormParams lnPre() {
        return lnPre;
    }

    List<ResidualAttentionBlock> blocks() {
        return blocks;
    }

    LastBlock last() {
        return last;
    }

    ScclipTail scclip() {
        return scclip;
    }

    /** ln_post over every token, then the projection: (B, L, W) -> (B, L, E). */
    NDArray project(NDArray x) {
        return mp.fp32(kernels.linear(mp.compute(lnPost.apply(x)), projRows, null));
    }

    NDArray lnPost(NDArray x) {
        return lnPost.apply(x);
    }
}
