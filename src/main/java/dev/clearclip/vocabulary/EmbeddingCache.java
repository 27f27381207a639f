package dev.clearclip.vocabulary;

import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.io.Npy;
import dev.clearclip.weights.HubSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Query embeddings on disk, keyed by everything they depend on (weights, class file, templates), so scheduled
 * runs skip the text tower: ADE20K is 12,000 prompts, minutes of CPU with a ViT-B text encoder.
 */
public final class EmbeddingCache {
    private final Path dir;

    public EmbeddingCache(Path dir) {
        this.dir = dir;
    }

    /** {@code $CLEARCLIP_CACHE}, else {@code <hub cache>/../clearclip/text-embeddings}. */
    public static EmbeddingCache underHubCache(Path hubCache) {
        String own = System.getenv("CLEARCLIP_CACHE");
        return new EmbeddingCache(own != null ? Path.of(own, "text-embeddings")
                : hubCache.toAbsolutePath().getParent().resolve("clearclip").resolve("text-embeddings"));
    }

    /** The file that holds (or would hold) these embeddings. */
    /** The cache for this process: {@code $CLEARCLIP_CACHE}, else beside the hub cache of the environment. */
    public static EmbeddingCache fromEnvironment() {
        return underHubCache(HubSettings.fromEnvironment().cacheDir());
    }

    public Path entry(String weightsSha256, Vocabulary vocabulary, List<String> templates) {
        return dir.resolve(key(weightsSha256, vocabulary, templates) + ".npy");
    }

    public Optional<QueryEmbeddings> find(String weightsSha256, Vocabulary vocabulary, List<String> templates, int dim) {
        Path file = entry(weightsSha256, vocabulary, templates);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Npy.Array a = Npy.read(file);
            if (a.shape().length != 2 || a.shape()[0] != vocabulary.queries().size() || a.shape()[1] != dim) {
                return Optional.empty();
            }
            return Optional.of(new QueryEmbeddings(vocabulary.name(), vocabulary.sha256(), vocabulary.classNames(),
                    vocabulary.classOfQuery(), dim, a.floats()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a damaged entry is recomputed and rewritten
        }
    }

    /** Best effort: a read-only or full disk must not fail the run. */
    public void store(String weightsSha256, Vocabulary vocabulary, List<String> templates, QueryEmbeddings q) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "embedding", ".tmp");
            Npy.writeFloat32(tmp, q.features(), q.queries(), q.embedDim());
            Files.move(tmp, entry(weightsSha256, vocabulary, templates),
                    StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UncheckedIOException e) {
            // not cached; computed again next time
        }
    }

    static String key(String weightsSha256, Vocabulary vocabulary, List<String> templates) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(weightsSha256.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(vocabulary.canonicalText().getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(String.join("\n", templates).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
