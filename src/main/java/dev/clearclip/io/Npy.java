package dev.clearclip.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} v1/v2 reader and v1 writer for the few dtypes the CLI exchanges (little-endian, C order).
 * Hand-written because no maintained Java library reads .npy; the format is a 10-line header plus raw data.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** An array as read: dtype in NumPy notation ({@code <f4}, {@code <i4}, {@code |u1}, ...), shape, raw LE bytes. */
    public record Array(String dtype, long[] shape, ByteBuffer data) {
        public long size() {
            return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }

        public float[] floats() {
            float[] out = new float[Math.toIntExact(size())];
            switch (dtype) {
                case "<f4" -> data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
                case "<f8" -> {
                    var b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
                    for (int i = 0; i < out.length; i++) {
                        out[i] = (float) b.get(i);
                    }
                }
                default -> throw new IllegalArgumentException("expected a float32 array, got dtype " + dtype);
            }
            return out;
        }

        public int[] ints() {
            int[] out = new int[Math.toIntExact(size())];
            ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            switch (dtype) {
                case "<i4" -> b.asIntBuffer().get(out);
                case "<i8" -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = Math.toIntExact(b.getLong(i * 8));
                    }
                }
                case "|u1" -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = b.get(i) & 0xff;
                    }
                }
                default -> throw new IllegalArgumentException("expected an integer array, got dtype " + dtype);
            }
            return out;
        }

        public byte[] bytes() {
            if (!dtype.equals("|u1") && !dtype.equals("<u1") && !dtype.equals("|i1")) {
                throw new IllegalArgumentException("expected a uint8 array, got dtype " + dtype);
            }
            byte[] out = new byte[Math.toIntExact(size())];
            data.duplicate().get(out);
            return out;
        }
    }

    public static Array read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    public static Array read(InputStream in, String name) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8 || !Arrays.equals(Arrays.copyOf(magic, 6), MAGIC)) {
            throw new IOException(name + ": not a .npy file (bad magic)");
        }
        int major = magic[6];
        int headerLen;
        if (major == 1) {
            byte[] l = in.readNBytes(2);
            headerLen = (l[0] & 0xff) | (l[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] l = in.readNBytes(4);
            headerLen = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else {
            throw new IOException(name + ": unsupported .npy version " + major);
        }
        String header = new String(in.readNBytes(headerLen), StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(name + ": malformed .npy header: " + header.strip());
        }
        if (f.group(1).equals("True")) {
            throw new IOException(name + ": Fortran-order arrays are not supported; save with C order");
        }
        String dtype = d.group(1);
        if (dtype.startsWith(">")) {
            throw new IOException(name + ": big-endian dtype " + dtype + " is not supported");
        }
        long[] shape = Arrays.stream(s.group(1).split(","))
                .map(String::strip).filter(t -> !t.isEmpty()).mapToLong(Long::parseLong).toArray();
        long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        long bytes = count * itemSize(dtype, name);
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IOException(name + ": array of " + bytes + " bytes is too large");
        }
        byte[] data = in.readNBytes((int) bytes);
        if (data.length != bytes) {
            throw new IOException(name + ": truncated: expected " + bytes + " data bytes for shape "
                    + Arrays.toString(shape) + ", found " + data.length);
        }
        return new Array(dtype, shape, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN));
    }

    private static int itemSize(String dtype, String name) throws IOException {
        return switch (dtype) {
            case "<f4", "<i4", "<u4" -> 4;
            case "<f8", "<i8", "<u8" -> 8;
            case "<f2", "<i2", "<u2" -> 2;
            case "|u1", "<u1", "|i1", "|b1" -> 1;
            default -> throw new IOException(name + ": unsupported dtype " + dtype);
        };
    }

    public static void writeFloat32(Path path, float[] values, long... shape) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        write(path, "<f4", shape, b.array(), values.length);
    }

    public static void writeInt32(Path path, int[] values, long... shape) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        write(path, "<i4", shape, b.array(), values.length);
    }

    public static void writeUint8(Path path, byte[] values, long... shape) throws IOException {
        write(path, "|u1", shape, values, values.length);
    }

    private static void write(Path path, String dtype, long[] shape, byte[] data, int count) throws IOException {
        long expected = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (expected != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + count + " values");
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write(encodeHeader(dtype, shape));
            out.write(data);
        }
    }

    private static byte[] encodeHeader(String dtype, long[] shape) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)"
                : "(" + (shape.length == 0 ? "" : dims.substring(0, dims.length() - 2)) + ")";
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int unpadded = 10 + dict.length() + 1;
        int padded = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - unpadded) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8 & 0xff);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }
}
