package dev.clearclip.job;

import dev.clearclip.shards.ShardNames;
import dev.clearclip.spark.ImageFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which {@code --input}s are WebDataset shards, and the shards they name, listed on the driver: one file status per
 * shard (O(shards), never per image). An input is shards when its name or pattern ends in {@code .tar},
 * {@code .tar.gz} or {@code .tgz}, when it has a numeric brace range, or when it is a folder whose top level holds
 * shards; a run takes either shards or loose images, not both.
 */
final class ShardCatalog {

    /**
     * One shard of the run.
     *
     * @param id          the shard's path relative to its input, without the shard extension (image ids are
     *                    {@code <id>/<key>})
     * @param fingerprint ETag, or size and modification time: a changed shard is read again
     */
    record Shard(String uri, String id, String fingerprint, long bytes) {
    }

    private ShardCatalog() {
    }

    /** The run's shards in input order, or null when the inputs are loose images (or a manifest or table). */
    static List<Shard> list(Configuration conf, JobSettings.Sources in) {
        if (in.uris().isEmpty()) {
            return null;
        }
        List<String> shardInputs = new ArrayList<>();
        List<String> imageInputs = new ArrayList<>();
        for (String input : in.uris()) {
            (isShards(conf, input) ? shardInputs : imageInputs).add(input);
        }
        if (shardInputs.isEmpty()) {
            if (!in.keepMetadata().isEmpty()) {
                throw new IllegalArgumentException("--keep-metadata applies to tar shard inputs; " + in.uris()
                        + " are image files");
            }
            return null;
        }
        if (!imageInputs.isEmpty()) {
            throw new IllegalArgumentException("--input " + shardInputs.get(0) + " is tar shards but --input "
                    + imageInputs.get(0) + " is images: give shards and loose images in separate runs");
        }
        Map<String, Shard> shards = new LinkedHashMap<>();
        for (String input : shardInputs) {
            for (Shard shard : shards(conf, input, in)) {
                shards.putIfAbsent(shard.uri(), shard);
            }
        }
        Set<String> ids = new HashSet<>();
        for (Shard shard : shards.values()) {
            if (!ids.add(shard.id())) {
                throw new IllegalArgumentException("two shards have the id " + shard.id() + " (the same name under "
                        + "two inputs); their image ids would collide: give them in separate runs or outputs");
            }
        }
        return List.copyOf(shards.values());
    }

    private static boolean isShards(Configuration conf, String input) {
        if (ShardNames.hasRange(input) || ShardNames.isShard(input.replaceFirst("/+$", ""))) {
            return true;
        }
        if (InputCatalog.indexOfGlob(input) >= 0) {
            return false;
        }
        try {
            Path path = new Path(input);
            FileSystem fs = path.getFileSystem(conf);
            if (!fs.exists(path) || !fs.getFileStatus(path).isDirectory()) {
                return false; // InputCatalog reports a missing input
            }
            // the first file that is a shard or an image decides; a folder of images is not listed here
            RemoteIterator<FileStatus> it = fs.listStatusIterator(path);
            while (it.hasNext()) {
                FileStatus f = it.next();
                if (f.isFile() && ShardNames.isShard(f.getPath().getName())) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new IllegalArgumentException("--input " + input + " cannot be listed: " + e.getMessage(), e);
        }
    }

    private static List<Shard> shards(Configuration conf, String input, JobSettings.Sources in) {
        try {
            Path given = new Path(ShardNames.replaceRanges(input, "*"));
            FileSystem fs = given.getFileSystem(conf);
            Path qualified = fs.makeQualified(given);
            String p = qualified.toUri().getPath().replaceFirst("/+$", "");
            int globAt = InputCatalog.indexOfGlob(p);
            List<FileStatus> files = new ArrayList<>();
            String root;
            if (globAt >= 0) {
                String prefix = p.substring(0, globAt);
                root = prefix.substring(0, Math.max(0, prefix.lastIndexOf('/')));
                FileStatus[] matches = fs.globStatus(qualified);
                for (FileStatus f : matches == null ? new FileStatus[0] : matches) {
                    if (f.isFile() && ShardNames.isShard(f.getPath().getName())) {
                        files.add(f);
                    }
                }
                if (ShardNames.hasRange(input)) {
                    files = inRanges(fs, input, files);
                }
            } else if (!fs.exists(qualified)) {
                throw new IllegalArgumentException("--input " + input + " does not exist");
            } else if (fs.getFileStatus(qualified).isDirectory()) {
                root = p;
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(qualified, in.recursive());
                while (it.hasNext()) {
                    LocatedFileStatus f = it.next();
                    String name = f.getPath().getName();
                    if (ShardNames.isShard(name)) {
                        files.add(f);
                    } else if (in.extensions().contains(InputRoot.extension(name))) {
                        throw new IllegalArgumentException("--input " + input + " holds both tar shards and images ("
                                + f.getPath() + "): give them in separate runs");
                    }
                }
            } else {
                root = p.substring(0, Math.max(0, p.lastIndexOf('/')));
                files.add(fs.getFileStatus(qualified));
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("--input " + input + " matches no tar shard");
            }
            List<Shard> shards = new ArrayList<>(files.size());
            for (FileStatus f : files) {
                shards.add(shard(f, root, input));
            }
            shards.sort((a, b) -> a.uri().compareTo(b.uri()));
            return shards;
        } catch (IOException e) {
            throw new IllegalArgumentException("--input " + input + " cannot be listed: " + e.getMessage(), e);
        }
    }

    /** Of the files the pattern's {@code *}-for-range glob found, those its ranges name; every named one must exist. */
    private static List<FileStatus> inRanges(FileSystem fs, String input, List<FileStatus> found) {
        if (InputCatalog.indexOfGlob(ShardNames.replaceRanges(input, "")) >= 0) {
            throw new IllegalArgumentException("--input " + input + ": a numeric brace range cannot be combined "
                    + "with other glob characters in one input");
        }
        Map<String, FileStatus> byPath = new LinkedHashMap<>();
        for (FileStatus f : found) {
            byPath.put(f.getPath().toUri().getPath(), f);
        }
        List<FileStatus> named = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : ShardNames.expandRanges(input)) {
            String path = fs.makeQualified(new Path(name)).toUri().getPath();
            FileStatus f = byPath.get(path);
            if (f != null) {
                named.add(f);
            } else {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("--input " + input + ": " + missing.size() + " of "
                    + (named.size() + missing.size()) + " shards do not exist, e.g. "
                    + String.join(", ", missing.subList(0, Math.min(3, missing.size()))));
        }
        return named;
    }

    private static Shard shard(FileStatus f, String root, String input) {
        String uri = f.getPath().toString();
        if (uri.contains("#")) {
            throw new IllegalArgumentException("--input " + input + ": shard " + uri + " has a '#' in its name, "
                    + "which sample URIs (<shard>#<key>) reserve");
        }
        String path = f.getPath().toUri().getPath();
        String relative = path.startsWith(root + "/") ? path.substring(root.length() + 1) : f.getPath().getName();
        String lower = relative.toLowerCase(Locale.ROOT);
        int ext = lower.endsWith(".tar.gz") ? 7 : lower.endsWith(".tgz") || lower.endsWith(".tar") ? 4 : 0;
        return new Shard(uri, relative.substring(0, relative.length() - ext), ImageFiles.fingerprint(f),
                f.getLen());
    }
}
