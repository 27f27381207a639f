package dev.clearclip.inference;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.clearclip.io.Npy;
import dev.clearclip.model.Goldens;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static dev.clearclip.model.Goldens.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** PAMR against the official PAMR code (fixtures/methods/pamr: 3 steps, dilations 1 and 2; NACLIP's 10 x (8, 16)). */
class PamrParityTest {

    private static NDArray load(NDManager m, String path) throws IOException {
        Npy.Array a = Goldens.npy(path);
        long[] shape = new long[a.shape().length + 1];
        shape[0] = 1;
        System.arraycopy(a.shape(), 0, shape, 1, a.shape().length);
        return m.create(a.floats(), new Shape(shape));
    }

    @Test
    void unitCaseMatchesStdKernelIterationsAndOutput() throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray image = load(m, "methods/pamr/unit/image.npy");
            NDArray mask = load(m, "methods/pamr/unit/mask_in.npy");
            Pamr pamr = new Pamr(3, List.of(1, 2));
            NDArray kernel = pamr.kernel(image, pamr.shifts(m, 40, 56));
            double k = assertClose("kernel", Goldens.floats("methods/pamr/unit/kernel.npy"), kernel.toFloatArray(), 2e-6);
            float[] iters = Goldens.floats("methods/pamr/unit/iters.npy");
            int per = 5 * 40 * 56;
            for (int t = 1; t <= 3; t++) {
                float[] expected = java.util.Arrays.copyOfRange(iters, (t - 1) * per, t * per);
                assertClose("iteration " + t, expected, new Pamr(t, List.of(1, 2)).refine(image, mask).toFloatArray(), 1e-5);
            }
            NDArray out = pamr.refine(image, mask);
            assertEquals(new Shape(1, 5, 40, 56), out.getShape());
            double o = assertClose("out", Goldens.floats("methods/pamr/unit/out.npy"), out.toFloatArray(), 1e-5);
            System.out.println("pamr unit kernel max |diff| " + k + ", out " + o);
        }
    }

    @Test
    void lowResolutionMaskIsResizedWithAlignedCorners() throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray image = load(m, "methods/pamr/unit_lowres/image.npy");
            NDArray mask = load(m, "methods/pamr/unit_lowres/mask_in.npy");
            assertClose("resized", Goldens.floats("methods/pamr/unit_lowres/mask_resized.npy"),
                    Bilinear.resizeAlignCorners(mask, 40, 56).toFloatArray(), 5e-6);
            double o = assertClose("out", Goldens.floats("methods/pamr/unit_lowres/out.npy"),
                    new Pamr(3, List.of(1, 2)).refine(image, mask).toFloatArray(), 1e-5);
            System.out.println("pamr unit_lowres out max |diff| " + o);
        }
    }

    @Test
    void naclipCaseRefinesTheCosineLogits() throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray guide = load(m, "methods/naclip/seg_voc21_slide/pamr_img.npy");
            NDArray logits = load(m, "methods/naclip/seg_voc21_slide/seg_logits.npy");
            int before = m.getManagedArrays().size();
            NDArray out = new Pamr(10, List.of(8, 16)).refine(guide, logits);
            assertEquals(before + 1, m.getManagedArrays().size(), "only the result survives the call");
            double o = assertClose("pamr_logits", Goldens.floats("methods/naclip/seg_voc21_slide/pamr_logits.npy"),
                    out.toFloatArray(), 2e-5);
            System.out.println("pamr naclip slide case max |diff| " + o);
        }
    }
}
