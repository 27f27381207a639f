package dev.clearclip.bench;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes one generated corpus in the three forms {@code segment} reads, for {@code bench/scale.sh}: WebDataset tar
 * shards ({@code <key>.jpg} + {@code <key>.json}), an img2dataset-style Parquet table ({@code key}, {@code jpg},
 * {@code url}, {@code caption}) and loose files in folders of 1,000; or, with {@code --empty}, only empty loose files
 * for timing the listing. The samples repeat a pool of distinct synthetic images (the bytes are what a run reads).
 *
 * <p>Usage: {@code ScaleCorpus DIR SAMPLES SHARDS WxH [--empty]}
 */
public final class ScaleCorpus {

    private static final MessageType TABLE = MessageTypeParser.parseMessageType("message img2dataset {"
            + " required binary key (STRING); required binary jpg; optional binary url (STRING);"
            + " optional binary caption (STRING); }");

    private ScaleCorpus() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 4) {
            throw new IllegalArgumentException("usage: ScaleCorpus DIR SAMPLES SHARDS WxH [--empty]");
        }
        Path dir = Path.of(args[0]);
        int samples = Integer.parseInt(args[1]);
        int shards = Integer.parseInt(args[2]);
        String[] size = args[3].toLowerCase(Locale.ROOT).split("x");
        if (args.length > 4 && args[4].equals("--empty")) {
            loose(dir.resolve("empty"), samples, null);
            return;
        }
        List<byte[]> pool = SyntheticImages.make(256, Integer.parseInt(size[0]), Integer.parseInt(size[1]), "jpg", 7);
        shards(dir.resolve("shards"), samples, shards, pool);
        table(dir.resolve("table"), samples, shards, pool);
        loose(dir.resolve("loose"), samples, pool);
    }

    private static String key(int i) {
        return String.format(Locale.ROOT, "%09d", i);
    }

    private static void shards(Path dir, int samples, int shards, List<byte[]> pool) throws IOException {
        Files.createDirectories(dir);
        int perShard = (samples + shards - 1) / shards;
        for (int s = 0; s < shards; s++) {
            try (OutputStream file = Files.newOutputStream(dir.resolve(String.format(Locale.ROOT, "%05d.tar", s)));
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
                for (int i = s * perShard; i < Math.min(samples, (s + 1) * perShard); i++) {
                    member(tar, key(i) + ".jpg", pool.get(i % pool.size()));
                    member(tar, key(i) + ".json", ("{\"key\": \"" + key(i) + "\"}").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    private static void member(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static void table(Path dir, int samples, int files, List<byte[]> pool) throws IOException {
        Files.createDirectories(dir);
        SimpleGroupFactory rows = new SimpleGroupFactory(TABLE);
        int perFile = (samples + files - 1) / files;
        for (int f = 0; f < files; f++) {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(
                    dir.resolve(String.format(Locale.ROOT, "part-%05d.parquet", f)).toUri());
            try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(path).withType(TABLE)
                    .withConf(new Configuration()).withCompressionCodec(CompressionCodecName.UNCOMPRESSED).build()) {
                for (int i = f * perFile; i < Math.min(samples, (f + 1) * perFile); i++) {
                    writer.write(rows.newGroup().append("key", key(i))
                            .append("jpg", Binary.fromConstantByteArray(pool.get(i % pool.size())))
                            .append("url", "https://example.invalid/" + key(i) + ".jpg")
                            .append("caption", "sample " + i));
                }
            }
        }
    }

    private static void loose(Path dir, int samples, List<byte[]> pool) throws IOException {
        for (int i = 0; i < samples; i++) {
            Path folder = dir.resolve(String.format(Locale.ROOT, "%04d", i / 1000));
            if (i % 1000 == 0) {
                Files.createDirectories(folder);
            }
            Files.write(folder.resolve(key(i) + ".jpg"), pool == null ? new byte[0] : pool.get(i % pool.size()));
        }
    }
}
