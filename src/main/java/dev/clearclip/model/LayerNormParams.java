package dev.clearclip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;

/** A LayerNorm's affine parameters over the last axis. */
record LayerNormParams(NDArray gamma, NDArray beta, float eps) {

    static LayerNormParams load(ParameterLoader p, String prefix, float eps) {
        return new LayerNormParams(p.array(prefix + ".weight"), p.array(prefix + ".bias"), eps);
    }

    NDArray apply(NDArray x) {
        return LayerNorm.layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, eps).singletonOrThrow();
    }
}
