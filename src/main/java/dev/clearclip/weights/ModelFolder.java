package dev.clearclip.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A local folder holding one CLIP checkpoint in a known layout; {@code modelId} is what the user named. */
public record ModelFolder(String modelId, Path dir, ModelLayout layout) {

    public Path configFile() {
        return dir.resolve(layout.configFileName());
    }

    public Path weightsFile() {
        return dir.resolve(layout.weightsFileName());
    }

    /** The layout whose two files {@code dir} holds, or empty. */
    public static java.util.Optional<ModelLayout> layoutOf(Path dir) {
        for (ModelLayout layout : ModelLayout.values()) {
            if (Files.isRegularFile(dir.resolve(layout.configFileName()))
                    && Files.isRegularFile(dir.resolve(layout.weightsFileName()))
                    && layout.accepts(dir.resolve(layout.configFileName()))) {
                return java.util.Optional.of(layout);
            }
        }
        return java.util.Optional.empty();
    }

    public static ModelFolder detect(Path dir, String modelId) {
        if (!Files.isDirectory(dir)) {
            throw new WeightsException("model folder " + dir + " does not exist or is not a directory");
        }
        return layoutOf(dir).map(layout -> new ModelFolder(modelId, dir, layout))
                .orElseThrow(() -> new WeightsException("model folder " + dir + " holds no CLIP checkpoint: looked for "
                        + ModelLayout.HF_CLIP.describe() + " (Hugging Face) or " + ModelLayout.OPEN_CLIP.describe()
                        + " (OpenCLIP), with a CLIPModel config.json; it contains " + listing(dir)));
    }

    private static String listing(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().limit(20).toList();
            return names.isEmpty() ? "nothing" : String.join(", ", names);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
