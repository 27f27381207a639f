package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;

/**
 * libtorch kernels DJL has no call for, through a TorchScript module (fused_kernels.pt, made by make_fused_kernels.py
 * beside it). On CPU: oneDNN's linear for fp32, whose GEMM ran 2-2.5x faster than aten::linear's MKL path on AMD
 * Zen 4; QuickGELU (weights folded, see {@link Mlp}) as the first MLP linear's swish post-op in both precisions; the
 * residual add as the fp32 linear's sum post-op; fp32 attention one head at a time as two oneDNN GEMMs around a
 * softmax (the flash kernel's GEMMs take MKL's slower path here); bf16 attention as chunked bmm + softmax. GPUs keep
 * cuBLAS for the linear layers and scaled_dot_product_attention.
 */
final class FusedKernels implements Kernels {
    private static final Logger LOG = LoggerFactory.getLogger(FusedKernels.class);
    private static final String MODULE = "fused_kernels.pt";
    /** Below glibc's largest dynamic mmap threshold (32 MB), so the score buffers are reused from the heap. */
    static final long SCORE_CHUNK_BYTES = 16L << 20;

    private final PtSymbolBlock module;
    private final Kernels eager;
    private final boolean cpu;
    private volatile boolean bf16PostOps = true;

    private FusedKernels(PtSymbolBlock module, Kernels eager, boolean cpu) {
        this.module = module;
        this.eager = eager;
        this.cpu = cpu;
    }

    /** The fused kernels, or {@code eager} when this libtorch cannot compile the module (an older or custom build). */
    static Kernels loadOr(Kernels eager, NDManager weights) {
        try (InputStream in = FusedKernels.class.getResourceAsStream(MODULE)) {
            if (in == null) {
                throw new IllegalStateException(MODULE + " is missing from the class path (dev/clearclip/model/)");
            }
            PtSymbolBlock module = JniUtils.loadModule((PtNDManager) weights, in, true, false);
            FusedKernels fused = new FusedKernels(module, eager, !weights.getDevice().isGpu());
            try {
                fused.checkAgainstEager(weights);
            } catch (RuntimeException e) {
                module.close();
                throw e;
            }
            return fused;
        } catch (IOException | RuntimeException e) {
            LOG.warn("libtorch cannot load the fused kernels ({}); the image encoder runs DJL's eager ops, about 2x "
                    + "slower on CPU", e.toString());
            return eager;
        }
    }

    /**
     * A module can compile yet fail when run (a libtorch without oneDNN), so both kernels run once on small inputs
     * and must match the plain computation.
     */
    private void checkAgainstEager(NDManager weights) {
        try (NDManager probe = weights.newSubManager()) {
            NDArray x = probe.randomUniform(-1, 1, new Shape(2, 3, 8));
            NDArray w = probe.randomUniform(-1, 1, new Shape(5, 8));
            NDArray b = probe.randomUniform(-1, 1, new Shape(5));
            requireClose("linear", linear(x, w, b), eager.linear(x, w, b));
            requireClose("linear without bias", linear(x, w, null), eager.linear(x, w, null));
            requireClose("linear + swish", linearSwish(x, w, b), eager.linearSwish(x, w, b));
            NDArray residual = probe.randomUniform(-1, 1, new Shape(2, 3, 5));
            requireClose("linear + add", linearAdd(x, w, b, residual), eager.linearAdd(x, w, b, residual));
            NDArray q = probe.randomUniform(-1, 1, new Shape(1, 2, 7, 4));
            NDArray k = probe.randomUniform(-1, 1, new Shape(1, 2, 7, 4));
            NDArray v = probe.randomUniform(-1, 1, new Shape(1, 2, 7, 4));
            NDArray expected = q.matMul(k.transpose(0, 1, 3, 2)).muli(0.5f).softmax(-1).matMul(v);
            requireClose("attention", attention(q, k, v), expected);
        }
    }

    private static void requireClose(String what, NDArray actual, NDArray expected) {
        if (!actual.getShape().equals(expected.getShape())
                || actual.sub(expected).abs().max().getFloat() > 1e-4f) {
            throw new IllegalStateException("fused " + what + " disagrees with the eager op");
        }
    }

    @Override
    public NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        // bf16 stays on aten::linear (oneDNN too, bias added apart): oneDNN's _linear_pointwise was no faster
        // within this machine's noise and lowered bf16 label agreement with fp32 by ~0.06-0.1 %
        if (!cpu || x.getDataType() != DataType.FLOAT32) {
            return eager.linear(x, weight, bias);
        }
        return bias == null ? run("linear_no_bias", x, x, weight) : run("linear", x, x, weight, bias);
    }

    @Override
    public NDArray linearSwish(NDArray x, NDArray weight, NDArray bias) {
        boolean fp32 = x.getDataType() == DataType.FLOAT32;
        if (!cpu || (!fp32 && !bf16PostOps)) {
            return Kernels.super.linearSwish(x, weight, bias);
        }
        if (fp32) {
            return run("linear_swish", x, x, weight, bias);
        }
        try {
            return run("linear_swish", x, x, weight, bias);
        } catch (ai.djl.engine.EngineException e) {
            // oneDNN refuses bf16 on CPUs without AVX-512 (aten::linear still runs there)
            bf16PostOps = false;
            LOG.warn("oneDNN bf16 linear unavailable on this CPU ({}); QuickGELU runs as separate ops", e.getMessage());
            return Kernels.super.linearSwish(x, weight, bias);
        }
    }

    @Override
    public NDArray linearAdd(NDArray x, NDArray weight, NDArray bias, NDArray residual) {
        if (!cpu || x.getDataType() != residual.getDataType()) { // bf16: one mixed-dtype add, no cast
            return Kernels.super.linearAdd(x, weight, bias, residual);
        }
        return run("linear_add", residual, x, weight, bias, residual);
    }

    @Override
    public NDArray attention(NDArray q, NDArray k, NDArray v) {
        // libtorch's CPU flash kernel is slow in bf16 (62 ms vs 26 ms for bf16 bmm + softmax per ViT-B/16 block at
        // 4 windows), while in fp32 it beats the eager chain (55 vs 68 ms) and avoids the 59 MB score buffers
        if (cpu && q.getDataType() != DataType.FLOAT32) {
            return chunkedAttention(eager, q, k, v, SCORE_CHUNK_BYTES);
        }
        if (cpu) {
            return perHeadAttention(q, k, v);
        }
        return run("attention", q, q, k, v);
    }

    /**
     * fp32 attention one (batch, head) at a time as two oneDNN GEMMs around a softmax ({@code attention_head}): the
     * (L, L) scores of one head stay in cache, and oneDNN's GEMMs use AVX-512 where the flash kernel's go through
     * MKL's slower path on AMD (ViT-B/16, 785 tokens, one thread: 14.5 vs 21 ms per window).
     */
    private NDArray perHeadAttention(NDArray q, NDArray k, NDArray v) {
        Shape s = q.getShape();
        long batch = s.get(0);
        long heads = s.get(1);
        NDArray scaled = q.mul((float) Math.pow(s.get(3), -0.5)); // (B, H, L, D)
        NDList out = new NDList(Math.toIntExact(batch * heads));
        for (long b = 0; b < batch; b++) {
            for (long h = 0; h < heads; h++) {
                NDIndex head = new NDIndex("{}, {}", b, h);
                out.add(run("attention_head", q, scaled.get(head), k.get(head), v.get(head))); // (L, D)
            }
        }
        return NDArrays.stack(out).reshape(batch, heads, s.get(2), s.get(3)); // (B, H, L, D)
    }

    /**
     * {@code kernels}' attention over groups of heads whose (heads, L, L) scores fit in {@code chunkBytes}: glibc
     * maps bigger blocks fresh on every allocation, and their page faults made ViT-L/14 bf16 3x slower (0.11 vs 0.35
     * images/s).
     */
    static NDArray chunkedAttention(Kernels kernels, NDArray q, NDArray k, NDArray v, long chunkBytes) {
        Shape s = q.getShape();
        long batch = s.get(0);
        long heads = s.get(1);
        long length = s.get(2);
        long perHead = length * length * (q.getDataType() == DataType.FLOAT32 ? 4 : 2); // DJL gives bf16 0 bytes
        long group = Math.max(1, Math.min(heads, chunkBytes / perHead));
        if (batch == 1 && group == heads) {
            return kernels.attention(q, k, v);
        }
        NDList parts = new NDList();
        for (long b = 0; b < batch; b++) {
            for (long h = 0; h < heads; h += group) {
                NDIndex index = new NDIndex("{}:{}, {}:{}", b, b + 1, h, Math.min(heads, h + group));
                parts.add(kernels.attention(q.get(index), k.get(index), v.get(index)));
            }
        }
        int perBatch = Math.toIntExact((heads + group - 1) / group);
        NDList rows = new NDList();
        for (int b = 0; b < batch; b++) {
            NDList row = new NDList(parts.subList(b * perBatch, (b + 1) * perBatch));
            rows.add(row.size() == 1 ? row.get(0) : NDArrays.concat(row, 1));
        }
        return rows.size() == 1 ? rows.get(0) : NDArrays.concat(rows, 0);
    }

    @Override
    public String describe() {
        return cpu ? "fused (oneDNN linear with post-ops, fp32 attention per head on oneDNN)" : "fused (SDPA)";
    }

    /** Runs one method; the result joins {@code owner}'s manager. */
    private NDArray run(String method, NDArray owner, NDArray... args) {
        IValue[] in = new IValue[args.length];
        try {
            for (int i = 0; i < args.length; i++) {
                in[i] = IValue.from((PtNDArray) args[i]);
            }
            try (IValue out = IValueUtils.runMethod(module, method, in)) {
                return out.toTensor((PtNDManager) owner.getManager());
            }
        } finally {
            for (IValue value : in) {
                if (value != null) {
                    value.close();
                }
            }
        }
    }

    @Override
    public void close() {
        module.close();
        eager.close();
    }
}
