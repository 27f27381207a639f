package dev.clearclip.model;

import dev.clearclip.weights.ClipConfig;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

import java.util.ArrayList;
import java.util.List;

/**
 * CLIP's text encoder: token + positional embedding, causal blocks, ln_final, the EOT token's row, projection.
 * Because attention is causal, the EOT row depends only on the tokens up to it, so each batch is cut to its longest
 * prompt: exact, and ~5x less work than the full 77-token context for class-name prompts.
 */
final class TextTower {
    private final NDArray tokenEmbedding; // (V, Wt)
    private final NDArray positional; // (C, Wt)
    private final List<ResidualAttentionBlock> blocks = new ArrayList<>();
    private final LayerNormParams lnFinal;
    private final NDArray projection; // (Wt, E)
    private final int contextLength;

    TextTower(ParameterLoader p) {
        ClipConfig.Text c = p.config().text();
        this.tokenEmbedding = p.array("token_embedding.weight");
        this.positional = p.array("positional_embedding");
        for (int i = 0; i < c.layers(); i++) {
            // runs once per vocabulary, with a causal mask: DJL's eager ops suffice
            blocks.add(new ResidualAttentionBlock(p, "transformer.resblocks." + i + ".", c.heads(),
                    MixedPrecision.Full.INSTANCE, new EagerKernels(MixedPrecision.Full.INSTANCE)));
        }
        this.lnFinal = LayerNormParams.load(p, "ln_final", p.config().layerNormEps());
        this.projection = p.array("text_projection");
        this.contextLength = c.contextLength();
    }

    int contextLength() {
        return contextLength;
    }

    /** tokens: rows of {@code contextLength} ids (SOT ... EOT, zero padded) -> (N, E) unnormalised, in {@code scope}. */
    NDArray encode(NDManager scope, int[][] tokens) {
        int n = tokens.length;
        int[] eot = new int[n];
        int length = 1;
        for (int i = 0; i < n; i++) {
            if (tokens[i].length != contextLength) {
                throw new IllegalArgumentException("token row " + i + " has " + tokens[i].length + " ids, expected " + contextLength);
            }
            eot[i] = argMax(tokens[i]); // EOT has the largest id
            length = Math.max(length, eot[i] + 1);
        }
        int[] flat = new int[n * length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(tokens[i], 0, flat, i * length, length);
        }
        NDArray ids = scope.create(flat, new Shape(n, length)).toType(DataType.INT64, false);
        NDArray x = Embedding.embedding(ids, tokenEmbedding, SparseFormat.DENSE).singletonOrThrow(); // (N, T, Wt)
        x = x.addi(positional.get(scope, new NDIndex("0:" + length)));
        NDArray mask = causalMask(scope, length);
        for (ResidualAttentionBlock block : blocks) {
            x = block.forward(x, mask);
        }
        x = lnFinal.apply(x);
        long[] rows = new long[n];
        for (int i = 0; i < n; i++) {
            rows[i] = (long) i * length + eot[i];
        }
        NDArray picked = x.reshape(-1, x.getShape().get(2)).get(scope.create(rows)); // (N, Wt)
        return picked.matMul(projection);
    }

    private static NDArray causalMask(NDManager scope, int length) {
        float[] mask = new float[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                mask[i * length + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return scope.create(mask, new Shape(length, length));
    }

    private static int argMax(int[] ids) {
        int best = 0;
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] > ids[best]) {
                best = i;
            }
        }
        return best;
    }
}
