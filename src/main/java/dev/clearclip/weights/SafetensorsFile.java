package dev.clearclip.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file (8-byte LE header length, JSON header, raw LE data) whose header is fully validated on open.
 * Hand-written because the format is tiny and no maintained Java reader exists; tensors are mapped one at a time
 * (in chunks below 2 GiB) so files and offsets beyond 2 GiB work.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Headers beyond this are certainly corrupt (the reference implementation caps at 100 MB as well). */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final long MAX_CHUNK_BYTES = 1L << 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    private final Map<String, TensorInfo> entries;

    private SafetensorsFile(Path path, FileChannel channel, Map<String, TensorInfo> entries) {
        this.path = path;
        this.channel = channel;
        this.entries = entries;
    }

    public static SafetensorsFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new WeightsException("cannot open weights file " + path + ": " + e, e);
        }
        try {
            return new SafetensorsFile(path, channel, readHeader(path, channel));
        } catch (RuntimeException | IOException e) {
            closeQuietly(channel, e);
            if (e instanceof WeightsException w) {
                throw w;
            }
            throw new WeightsException("cannot read safetensors header of " + path + ": " + e, e);
        }
    }

    public Path path() {
        return path;
    }

    /** Tensor names in file order (as the header lists them). */
    public Set<String> names() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo info = entries.get(name);
        if (info == null) {
            throw new WeightsException(path + " has no tensor " + name);
        }
        return info;
    }

    public Tensor readFloat32(String name) {
        TensorInfo info = info(name);
        if (!info.dtype().readable()) {
            throw new WeightsException(path + ": tensor " + name + " has dtype " + info.dtype()
                    + "; only F32, F16 and BF16 weights are supported");
        }
        long count = info.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new WeightsException(path + ": tensor " + name + " " + info.shapeText()
                    + " has too many elements for one Java array");
        }
        float[] data = new float[(int) count];
        long chunkElements = MAX_CHUNK_BYTES / info.dtype().itemSize();
        try {
            for (long done = 0; done < count; ) {
                int n = (int) Math.min(chunkElements, count - done);
                long position = info.begin() + done * info.dtype().itemSize();
                MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, position,
                        (long) n * info.dtype().itemSize());
                info.dtype().widen(map.order(ByteOrder.LITTLE_ENDIAN), data, (int) done, n);
                done += n;
            }
        } catch (IOException e) {
            throw new WeightsException("cannot read tensor " + name + " from " + path + ": " + e, e);
        }
        return new Tensor(info.shape().clone(), data);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new WeightsException("cannot close " + path + ": " + e, e);
        }
    }

    private static Map<String, TensorInfo> readHeader(Path path, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw corrupt(path, "file is " + fileSize + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.flip().getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
            throw corrupt(path, "header length " + Long.toUnsignedString(headerLength) + " does not fit a file of "
                    + fileSize + " bytes (truncated or not a safetensors file)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, 8);
        JsonNode header;
        try {
            header = JSON.readTree(headerBytes.array());
        } catch (IOException e) {
            throw corrupt(path, "header is not valid JSON: " + e.getMessage());
        }
        if (header == null || !header.isObject()) {
            throw corrupt(path, "header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        Map<String, TensorInfo> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals("__metadata__")) {
                entries.put(field.getKey(), parseEntry(path, field.getKey(), field.getValue(), dataStart, fileSize));
            }
        }
        checkCoverage(path, entries.values(), dataStart, fileSize);
        return Collections.unmodifiableMap(entries);
    }

    private static TensorInfo parseEntry(Path path, String name, JsonNode node, long dataStart, long fileSize) {
        String where = path + ": tensor " + name;
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new WeightsException(where + ": header entry needs dtype, shape and two data_offsets, got " + node);
        }
        DType type = DType.parse(dtype.asText(), where);
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = nonNegativeLong(shape.get(i), where + " shape");
        }
        long begin = nonNegativeLong(offsets.get(0), where + " data_offsets");
        long end = nonNegativeLong(offsets.get(1), where + " data_offsets");
        if (end < begin) {
            throw new WeightsException(where + ": data_offsets [" + begin + ", " + end + ") end before they begin");
        }
        TensorInfo info;
        try {
            // offsets come from the file: an overflowing sum would wrap to a position inside the file
            info = new TensorInfo(name, type, dims, Math.addExact(dataStart, begin), Math.addExact(dataStart, end));
        } catch (ArithmeticException e) {
            throw new WeightsException(where + ": data_offsets [" + begin + ", " + end
                    + ") lie beyond any possible file (overflow)");
        }
        long expectedBytes;
        try {
            expectedBytes = Math.multiplyExact(info.elementCount(), type.itemSize());
        } catch (ArithmeticException e) {
            throw new WeightsException(where + ": shape " + info.shapeText() + " is impossibly large");
        }
        if (end - begin != expectedBytes) {
            throw new WeightsException(where + ": data_offsets [" + begin + ", " + end + ") hold " + (end - begin)
                    + " bytes but " + type + " " + info.shapeText() + " needs " + expectedBytes);
        }
        if (info.end() > fileSize) {
            throw new WeightsException(where + ": data ends at byte " + info.end() + " but the file has only "
                    + fileSize + " bytes (truncated file?)");
        }
        return info;
    }

    /**
     * The format requires the tensors to tile the data section exactly: no overlap (two names aliasing one byte), no
     * gap and nothing after the last tensor (bytes no tensor accounts for are hidden data or a mis-cut file).
     */
    private static void checkCoverage(Path path, Iterable<TensorInfo> infos, long dataStart, long fileSize) {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long covered = dataStart;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < covered) {
                throw new WeightsException(path + ": tensors " + previous.name() + " and " + t.name()
                        + " overlap in the file (corrupt header)");
            }
            if (t.begin() > covered) {
                throw new WeightsException(path + ": tensor " + t.name() + " starts at data offset "
                        + (t.begin() - dataStart) + " but the data before it ends at " + (covered - dataStart)
                        + ": a gap no tensor accounts for (corrupt header)");
            }
            covered = t.end();
            previous = t;
        }
        if (covered != fileSize) {
            throw new WeightsException(path + ": the tensors cover " + (covered - dataStart) + " data bytes but the "
                    + "file holds " + (fileSize - dataStart) + (previous == null ? "" : " (after tensor "
                    + previous.name() + ")") + ": trailing bytes no tensor accounts for");
        }
    }

    private static long nonNegativeLong(JsonNode node, String what) {
        if (node == null || !node.canConvertToLong() || !node.isIntegralNumber() || node.asLong() < 0) {
            throw new WeightsException(what + ": expected a non-negative integer, got " + node);
        }
        return node.asLong();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static WeightsException corrupt(Path path, String problem) {
        return new WeightsException("corrupt safetensors file " + path + ": " + problem);
    }

    private static void closeQuietly(FileChannel channel, Exception primary) {
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }
}
