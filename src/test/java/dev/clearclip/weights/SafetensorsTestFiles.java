package dev.clearclip.weights;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** Writes safetensors files for tests, independently of the reader (header JSON built by hand). */
final class SafetensorsTestFiles {

    record Entry(String name, String dtype, long[] shape, byte[] data) {
    }

    private SafetensorsTestFiles() {
    }

    static Path fixture(String relative) {
        try {
            return Path.of(SafetensorsTestFiles.class.getResource("/fixtures/" + relative).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Entry f32(String name, long[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return new Entry(name, "F32", shape, b.array());
    }

    static Entry bits16(String name, String dtype, long[] shape, int... bits) {
        ByteBuffer b = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : bits) {
            b.putShort((short) v);
        }
        return new Entry(name, dtype, shape, b.array());
    }

    static void write(Path file, List<Entry> entries) throws IOException {
        StringBuilder json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Entry e : entries) {
            json.append(",\"").append(e.name()).append("\":{\"dtype\":\"").append(e.dtype()).append("\",\"shape\":")
                    .append(Arrays.stream(e.shape()).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]")))
                    .append(",\"data_offsets\":[").append(offset).append(",").append(offset + e.data().length)
                    .append("]}");
            offset += e.data().length;
        }
        ByteBuffer data = ByteBuffer.allocate((int) offset);
        entries.forEach(e -> data.put(e.data()));
        writeRaw(file, json.append("}").toString(), data.array());
    }

    /** Header length, header padded with spaces to a multiple of 8, data: as the format specifies. */
    static void writeRaw(Path file, String headerJson, byte[] data) throws IOException {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(header);
        for (int i = header.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        out.put(data);
        Files.write(file, out.array());
    }

    /** A copy of a model folder whose weights (rewritten as F32) were edited; the config file is copied as is. */
    static Path editedCopy(Path folder, Path target, String configName, String weightsName,
                           Consumer<Map<String, Entry>> edit) throws IOException {
        Files.createDirectories(target);
        Files.copy(folder.resolve(configName), target.resolve(configName));
        Map<String, Entry> entries = new LinkedHashMap<>();
        try (SafetensorsFile in = SafetensorsFile.open(folder.resolve(weightsName))) {
            for (String name : in.names()) {
                Tensor t = in.readFloat32(name);
                entries.put(name, f32(name, t.shape(), t.data()));
            }
        }
        edit.accept(entries);
        write(target.resolve(weightsName), List.copyOf(entries.values()));
        return target;
    }
}
