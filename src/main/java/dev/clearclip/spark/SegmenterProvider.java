package dev.clearclip.spark;

import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.inference.ImageSegmenter;
import dev.clearclip.inference.SegmenterSpec;

import java.io.Serializable;
import java.util.List;

/**
 * How the job gets its segmenter: prepared on the driver, opened on executors. Shipped to executors with the task
 * closure, hence serialisable. {@link #REAL} is the product; tests may substitute a lighter one.
 */
public interface SegmenterProvider extends Serializable {

    SegmenterProvider REAL = new Real();

    SegmenterSpec prepare(String model, List<String> vocabularies, SegmentationSettings settings, OutputOptions output);

    ImageSegmenter open(SegmenterSpec spec, String device);

    final class Real implements SegmenterProvider {
        private Real() {
        }

        @Override
        public SegmenterSpec prepare(String model, List<String> vocabularies, SegmentationSettings settings,
                                     OutputOptions output) {
            return SegmenterSpec.prepare(model, vocabularies, settings, output);
        }

        @Override
        public ImageSegmenter open(SegmenterSpec spec, String device) {
            return spec.open(device);
        }

        private Object readResolve() {
            return REAL;
        }
    }
}
