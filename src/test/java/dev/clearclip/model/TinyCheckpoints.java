package dev.clearclip.model;

import dev.clearclip.weights.ClipCheckpoint;
import dev.clearclip.weights.ModelFolder;
import dev.clearclip.weights.ModelLoader;
import dev.clearclip.weights.Towers;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Test-only: the tiny fixture model folders on the test class path, loaded through the real loader. */
public final class TinyCheckpoints {
    private static ClipCheckpoint cached;
    private static ClipCheckpoint cached12;

    private TinyCheckpoints() {
    }

    public static Path folder(String name) {
        try {
            return Path.of(TinyCheckpoints.class.getResource("/fixtures/models/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** OpenCLIP layout of the tiny model, both towers. */
    public static synchronized ClipCheckpoint tiny() {
        if (cached == null) {
            cached = ModelLoader.load(ModelFolder.detect(folder("tiny-openclip"), "tiny-openclip"), Towers.BOTH);
        }
        return cached;
    }

    /** OpenCLIP layout of the 12-layer tiny model of the SC-CLIP fixtures (SC-CLIP reads blocks 3..10), both towers. */
    public static synchronized ClipCheckpoint tiny12() {
        if (cached12 == null) {
            cached12 = ModelLoader.load(ModelFolder.detect(folder("tiny12-openclip"), "tiny12-openclip"), Towers.BOTH);
        }
        return cached12;
    }

    /** The tiny model a last block can run on: the 12-layer one for SC-CLIP, else the 3-layer one. */
    public static ClipCheckpoint forVariant(LastBlockVariant variant) {
        return variant == LastBlockVariant.SCCLIP ? tiny12() : tiny();
    }
}
