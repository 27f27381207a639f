package dev.clearclip.weights;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * huggingface_hub's cache layout: {@code models--org--name/refs/<revision>} holds a commit hash and
 * {@code models--org--name/snapshots/<commit>/<file>} the files (symlinks into blobs/ when Python wrote them).
 */
final class HubCache {

    private final Path root;

    HubCache(Path root) {
        this.root = root;
    }

    Path repoDir(String repoId) {
        return root.resolve("models--" + repoId.replace("/", "--"));
    }

    /** The snapshot folder a revision points at now: via refs/ for branch names, the commit itself, or its name. */
    Path snapshotDir(String repoId, String revision) {
        Path ref = repoDir(repoId).resolve("refs").resolve(revision);
        String commit = revision;
        if (!revision.matches("[0-9a-f]{40}") && Files.isRegularFile(ref)) {
            try {
                String pointed = Files.readString(ref, StandardCharsets.UTF_8).strip();
                // a ref file is a folder name to be: a damaged or planted one is ignored, not followed
                commit = HttpDownload.COMMIT.matcher(pointed).matches() ? pointed : revision;
            } catch (IOException e) {
                commit = revision;
            }
        }
        return repoDir(repoId).resolve("snapshots").resolve(commit);
    }

    /** The first layout whose two files are both cached for this revision. */
    Optional<ModelFolder> lookup(String repoId, String revision, String modelId) {
        Path dir = snapshotDir(repoId, revision);
        return ModelFolder.layoutOf(dir).map(layout -> new ModelFolder(modelId, dir, layout));
    }

    /** Files of each layout that are not cached, for the offline error. */
    List<String> missing(String repoId, String revision) {
        Path dir = snapshotDir(repoId, revision);
        List<String> missing = new ArrayList<>();
        for (ModelLayout layout : ModelLayout.values()) {
            List<String> files = new ArrayList<>();
            for (String f : List.of(layout.configFileName(), layout.weightsFileName())) {
                if (!Files.isRegularFile(dir.resolve(f))) {
                    files.add(f);
                }
            }
            missing.add(String.join(" and ", files) + " (" + layout + ")");
        }
        return missing;
    }

    /** Where a download in progress is kept, stable across runs so it can be resumed. */
    Path partialFile(String repoId, String revision, String file) {
        String name = (revision + "--" + file).replaceAll("[^A-Za-z0-9._-]", "_") + ".incomplete";
        return repoDir(repoId).resolve("blobs").resolve(name);
    }

    /** Moves a finished download into its snapshot and points the revision at that commit. */
    Path install(String repoId, String revision, String commit, String file, Path partial) throws IOException {
        Path dir = commit == null ? snapshotDir(repoId, revision) : repoDir(repoId).resolve("snapshots").resolve(commit);
        Files.createDirectories(dir);
        Path target = dir.resolve(file);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (commit != null && !commit.equals(revision)) {
            Path ref = repoDir(repoId).resolve("refs").resolve(revision);
            Files.createDirectories(ref.getParent());
            Path tmp = ref.resolveSibling(ref.getFileName() + ".incomplete");
            Files.writeString(tmp, commit, StandardCharsets.UTF_8);
            Files.move(tmp, ref, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
