package dev.clearclip.deploy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.LibUtils;

/** Child-JVM main of LibtorchOverrideTest: loads the PyTorch engine and prints where libtorch came from. */
public final class LibtorchProbe {

    private LibtorchProbe() {
    }

    public static void main(String[] args) {
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {1f, 2f, 3f, 4f}).reshape(2, 2);
            float trace = x.matMul(x).sum().getFloat();
            System.out.println("libtorch=" + LibUtils.getLibtorchPath());
            System.out.println("version=" + engine.getVersion());
            System.out.println("sum=" + trace);
        }
    }
}
