package dev.clearclip.inference;

import dev.clearclip.config.OutputOptions;
import dev.clearclip.image.ImageDecodeException;
import dev.clearclip.image.ImageDecoder;
import dev.clearclip.image.RgbImage;
import dev.clearclip.model.ClipModel;
import dev.clearclip.output.MaskEncoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Raw image files to masks: decode (typed errors become failed outcomes), resize, normalise, batched segmentation of
 * all decodable images at once, encoding per vocabulary. Owns the model it is given.
 */
public final class ClearClipImageSegmenter implements ImageSegmenter {
    private final ClipModel model;
    private final Segmenter segmenter;
    private final ImageDecoder decoder;
    private final ImagePreparer preparer;
    private final MaskEncoder encoder;

    public ClearClipImageSegmenter(ClipModel model, Segmenter segmenter, OutputOptions output) {
        this.model = model;
        this.segmenter = segmenter;
        this.decoder = new ImageDecoder(segmenter.settings().maxPixels());
        this.preparer = new ImagePreparer(segmenter.settings());
        this.encoder = new MaskEncoder(output);
    }

    @Override
    public List<ImageOutcome> segment(List<ImageInput> images) {
        ImageOutcome[] outcomes = new ImageOutcome[images.size()];
        List<Integer> decodable = new ArrayList<>();
        List<PreparedImage> prepared = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            ImageInput in = images.get(i);
            try {
                RgbImage rgb = decoder.decode(in.bytes(), in.uri());
                prepared.add(preparer.prepare(rgb));
                decodable.add(i);
            } catch (ImageDecodeException e) {
                outcomes[i] = ImageOutcome.failed(in.uri(), -1, -1, e.reason().name().toLowerCase() + ": " + e.getMessage());
            } catch (RuntimeException | OutOfMemoryError e) {
                outcomes[i] = ImageOutcome.failed(in.uri(), -1, -1, "decode failed: " + describe(e));
            }
        }
        List<List<LabelMap>> maps;
        try {
            maps = segmenter.segment(prepared);
        } catch (RuntimeException e) {
            maps = null; // one image broke the shared batch: redo them one by one so only it fails
        }
        for (int k = 0; k < decodable.size(); k++) {
            int i = decodable.get(k);
            PreparedImage p = prepared.get(k);
            try {
                List<LabelMap> perVocabulary = maps != null ? maps.get(k) : segmenter.segment(List.of(p)).get(0);
                outcomes[i] = success(images.get(i).uri(), p, perVocabulary);
            } catch (RuntimeException e) {
                outcomes[i] = ImageOutcome.failed(images.get(i).uri(), p.originalWidth(), p.originalHeight(),
                        "inference failed: " + describe(e));
            }
        }
        return Arrays.asList(outcomes);
    }

    private ImageOutcome success(String uri, PreparedImage p, List<LabelMap> maps) {
        List<VocabularyMask> masks = new ArrayList<>(maps.size());
        for (int v = 0; v < maps.size(); v++) {
            masks.add(encoder.encode(maps.get(v), segmenter.vocabularies().get(v)));
        }
        return new ImageOutcome(uri, p.originalWidth(), p.originalHeight(), null, masks);
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public void close() {
        segmenter.close();
        model.close();
    }
}
