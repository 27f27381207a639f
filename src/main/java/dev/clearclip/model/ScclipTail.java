package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.util.List;

/**
 * SC-CLIP (Self-Calibrated CLIP) from ln_pre to the last block, as its official {@code encode_image} computes it
 * (clip/model.py:255-306), for a batch of windows where the official code takes one:
 * <ol>
 * <li>blocks 0..L-2 standard; the patches of block L-2 get LOF scores and the top 5 % become outliers;</li>
 * <li>outliers of blocks L-2 and {@value #PRE_ADJUST} are repaired from their neighbours; the repaired block-8 patches
 * give the mid-layer similarity {@code mid}, and {@code before} (mid below {@value #BETA} zeroed);</li>
 * <li>x = agg(repaired block L-2, before); x = attention(x, mid) + 0.3 cls; x = agg(x, after), where {@code after} is
 * the (unrepaired) block-{@value #POST_ADJUST} similarity below {@value #BETA} zeroed;</li>
 * <li>multi-level: the sum of blocks 3..9 (unrepaired) through the same attention, + 0.3 its CLS row, agg(., after),
 * added to x.</li>
 * </ol>
 * The output has no CLS row (the official code drops it after the repair; 0.3 cls is added to every patch).
 */
final class ScclipTail {
    static final int PRE_ADJUST = 8;
    static final int POST_ADJUST = 3;
    static final int MULTI_START = 3;
    static final int MULTI_END = 10;
    static final float RES_CLS = 0.3f;
    static final float BETA = 0.4f;

    private final List<ResidualAttentionBlock> blocks;
    private final ScclipAttention attention;
    private final boolean textbookLof;

    /** {@code textbookLof}: {@link Correction#LOF}; false = the official LOF. */
    ScclipTail(List<ResidualAttentionBlock> blocks, ScclipAttention attention, boolean textbookLof) {
        if (blocks.size() < MULTI_END) {
            throw new IllegalArgumentException("SC-CLIP reads the outputs of vision blocks " + MULTI_START + ".."
                    + MULTI_END + ": the model has only " + (blocks.size() + 1) + " vision layers (needs >= "
                    + (MULTI_END + 1) + ")");
        }
        this.blocks = blocks;
        this.attention = attention;
        this.textbookLof = textbookLof;
    }

    /** The block outputs SC-CLIP reads: POST_ADJUST, PRE_ADJUST, their multi-level sum and block L-2, (B, 1 + N, W). */
    private record Taps(NDArray post, NDArray pre, NDArray multiSum, NDArray last) {
    }

    /** Every step's result, batched (B = windows), for parity tests; {@link #xFinal} is the output. */
    record Trace(NDArray lofScores, NDArray outliers, NDArray xRepaired, NDArray preRepaired, NDArray mid,
                 NDArray before, NDArray after, NDArray simiWeights, NDArray xPreAgg, NDArray xAttn, NDArray xPostAgg,
                 NDArray reSum, NDArray reAttn, NDArray reAgg, NDArray xFinal) {
    }

    /** x after ln_pre (B, 1 + N, W) -> (B, N, W), patches only; intermediates freed on return. */
    NDArray forward(NDArray x, int gridH, int gridW) {
        return Heads.scoped(x, in -> trace(in, gridH, gridW).xFinal());
    }

    Trace trace(NDArray x, int gridH, int gridW) {
        Taps t = runBlocks(x);
        NDArray tokens = t.last().get(":, 1:, :"); // (B, N, W)
        NDArray scores = LocalOutlierFactor.scores(tokens, textbookLof); // (B, N) fp64
        NDArray outliers = LocalOutlierFactor.outliers(scores);
        NDArray keep = outliers.logicalNot().toType(DataType.FLOAT32, false);
        NDArray xRepaired = TokenRepair.apply(tokens, keep, gridH, gridW);
        NDArray preRepaired = TokenRepair.apply(t.pre().get(":, 1:, :"), keep, gridH, gridW);
        NDArray mid = Affinity.cosine(preRepaired); // (B, N, N)
        NDArray before = Affinity.keepAbove(mid, BETA);
        NDArray after = Affinity.keepAbove(Affinity.cosine(t.post().get(":, 1:, :")), BETA);
        NDArray weights = ScclipAttention.similarityWeights(mid); // (B, 1, N, N)

        NDArray xPreAgg = Affinity.aggregate(xRepaired, before);
        NDArray xAttn = attention.forward(xPreAgg, weights);
        NDArray xPostAgg = Affinity.aggregate(xAttn.add(t.last().get(":, :1, :").mul(RES_CLS)), after);

        NDArray reAttn = attention.forward(t.multiSum().get(":, 1:, :"), weights);
        NDArray reAgg = Affinity.aggregate(reAttn.add(t.multiSum().get(":, :1, :").mul(RES_CLS)), after);
        return new Trace(scores, outliers, xRepaired, preRepaired, mid, before, after, weights, xPreAgg, xAttn,
                xPostAgg, t.multiSum(), reAttn, reAgg, xPostAgg.add(reAgg));
    }

    private Taps runBlocks(NDArray x) {
        NDArray post = null;
        NDArray pre = null;
        NDArray sum = null;
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(x);
            post = i == POST_ADJUST ? x : post;
            pre = i == PRE_ADJUST ? x : pre;
            if (i >= MULTI_START && i < MULTI_END) {
                sum = sum == null ? x : sum.add(x); // F_3 + F_4 + ... in the official order
            }
        }
        return new Taps(post, pre, sum, x);
    }
}
