package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * bf16 matmuls through DJL. DJL 0.36 aborts the JVM when it creates a bf16 tensor itself ({@code toType}, {@code create},
 * {@code softmax}), yet its matmul/linear/conv/reshape ops work on bf16 tensors made by libtorch. So the two ops
 * that must produce bf16 (the cast and softmax) run in a tiny TorchScript module (bf16_casts.pt, made by
 * make_bf16_casts.py beside it); casting back to fp32 is a plain {@code toType}.
 */
final class Bf16Casts implements MixedPrecision {
    private static final String MODULE = "bf16_casts.pt";

    private final PtSymbolBlock module;

    private Bf16Casts(PtSymbolBlock module) {
        this.module = module;
    }

    static Bf16Casts load(NDManager weights) {
        try (InputStream in = Bf16Casts.class.getResourceAsStream(MODULE)) {
            if (in == null) {
                throw new IllegalStateException(MODULE + " is missing from the class path (dev/clearclip/model/)");
            }
            return new Bf16Casts(JniUtils.loadModule((PtNDManager) weights, in, true, false));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MODULE, e);
        }
    }

    @Override
    public NDArray weight(NDArray fp32) {
        NDArray bf16 = compute(fp32);
        fp32.close();
        return bf16;
    }

    @Override
    public NDArray compute(NDArray x) {
        try (IValue in = IValue.from((PtNDArray) x);
             IValue out = IValueUtils.runMethod(module, "to_bf16", in)) {
            return out.toTensor((PtNDManager) x.getManager());
        }
    }

    @Override
    public NDArray fp32(NDArray x) {
        return x.toType(DataType.FLOAT32, false);
    }

    @Override
    public NDArray scaledSoftmax(NDArray scores, float scale) {
        return softmax(scale == 1f ? scores : scores.mul(scale));
    }

    /** Scaling the (B, H, L, D) queries costs L/D times less than scaling the bf16 scores, a slow elementwise op. */
    @Override
    public boolean scalesQueries() {
        return true;
    }

    /**
     * libtorch's bf16 softmax accumulates in fp32 and rounds only its output, at half the memory traffic of an fp32
     * softmax over the (B, H, L, L) scores, which is the costliest step after the GEMMs. One op per module call: a
     * longer chain in the module gets fused by libtorch's JIT into a kernel that ran ~10x slower than the eager ops.
     */
    @Override
    public NDArray softmax(NDArray scores) {
        try (IValue in = IValue.from((PtNDArray) scores);
             IValue out = IValueUtils.runMethod(module, "softmax", in)) {
            return out.toTensor((PtNDManager) scores.getManager());
        }
    }

    @Override
    public void close() {
        module.close();
    }
}
