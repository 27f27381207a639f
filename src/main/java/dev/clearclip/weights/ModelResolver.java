package dev.clearclip.weights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a {@code --model} argument into a local {@link ModelFolder}: an existing folder, or a hub id to download. */
public final class ModelResolver {

    /** {@code org/name} or {@code org/name@revision}, with the hub's allowed characters. */
    private static final Pattern HUB_ID =
            Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)(?:@([A-Za-z0-9._/-]+))?");

    private final HubClient hub;

    public ModelResolver(HubClient hub) {
        this.hub = hub;
    }

    public static ModelResolver fromEnvironment(HubAccess access) {
        return new ModelResolver(new HubClient(HubSettings.fromEnvironment().with(access)));
    }

    public ModelFolder resolve(String model) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("--model is empty: give a model folder or a hub id like openai/clip-vit-base-patch16");
        }
        Path local = Path.of(model);
        if (Files.isDirectory(local)) {
            return ModelFolder.detect(local, model);
        }
        Matcher m = HUB_ID.matcher(model);
        if (!m.matches() || model.contains("..")) {
            throw new IllegalArgumentException("--model " + model
                    + " is neither an existing folder nor a hub id like openai/clip-vit-base-patch16");
        }
        String revision = m.group(2) == null ? "main" : m.group(2);
        return hub.download(m.group(1), revision, model);
    }
}
