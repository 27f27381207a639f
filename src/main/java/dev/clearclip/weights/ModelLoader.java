package dev.clearclip.weights;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clearclip.weights.ClipConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Loads a model folder (either layout) into a {@link ClipCheckpoint} with canonical parameter names. */
public final class ModelLoader {

    private ModelLoader() {
    }

    /** Resolves {@code model} (folder or hub id) and loads the selected towers. */
    public static ClipCheckpoint load(String model, ModelResolver resolver, Towers towers) {
        return load(resolver.resolve(model), towers);
    }

    public static ClipCheckpoint load(ModelFolder folder, Towers towers) {
        String sha256 = sha256(folder.weightsFile());
        try (SafetensorsFile file = SafetensorsFile.open(folder.weightsFile())) {
            CheckpointAssembler assembler = new CheckpointAssembler(file, folder.layout().impl());
            ClipConfig config = config(folder, assembler);
            return new ClipCheckpoint(folder.modelId(), sha256, config, assembler.read(config, towers));
        }
    }

    /** The config alone (validated against every weight shape) without reading tensor data. */
    public static ClipConfig readConfig(ModelFolder folder) {
        try (SafetensorsFile file = SafetensorsFile.open(folder.weightsFile())) {
            return config(folder, new CheckpointAssembler(file, folder.layout().impl()));
        }
    }

    private static ClipConfig config(ModelFolder folder, CheckpointAssembler assembler) {
        JsonNode json = ConfigJson.read(folder.configFile());
        ClipConfig config = folder.layout().impl().config(json, folder.configFile(), assembler.deriveSizes());
        assembler.validate(config);
        return config;
    }

    /** Streaming sha256 (weights may be larger than any array). */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new WeightsException("cannot read " + file + " for its sha256: " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
