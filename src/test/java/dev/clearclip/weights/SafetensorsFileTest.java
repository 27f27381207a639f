package dev.clearclip.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static dev.clearclip.weights.SafetensorsTestFiles.bits16;
import static dev.clearclip.weights.SafetensorsTestFiles.f32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    @Test
    void widensF16AndBf16ExactlyAndKeepsF32() throws IOException {
        Path file = dir.resolve("mixed.safetensors");
        SafetensorsTestFiles.write(file, List.of(
                // 1, -2, 0.5, max half, smallest subnormal, -0, +inf, smallest normal, 0x3555
                bits16("half", "F16", new long[]{3, 3},
                        0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x0400, 0x3555),
                // 1, -2.5, 3.140625, -inf, a bf16 subnormal
                bits16("brain", "BF16", new long[]{5}, 0x3F80, 0xC020, 0x4049, 0xFF80, 0x0001),
                bits16("nan", "F16", new long[]{1}, 0x7E00),
                f32("full", new long[]{2}, 1.25f, -7e-8f),
                f32("scalar", new long[]{}, 2.6592f)));
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertEquals(List.of("half", "brain", "nan", "full", "scalar"), List.copyOf(st.names()));
            assertEquals(DType.BF16, st.info("brain").dtype());
            assertArrayEquals(new long[]{3, 3}, st.info("half").shape());
            assertArrayEquals(new float[]{1f, -2f, 0.5f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY, 0x1p-14f,
                    0.333251953125f}, st.readFloat32("half").data());
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(st.readFloat32("half").data()[5]));
            assertArrayEquals(new float[]{1f, -2.5f, 3.140625f, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x10000)},
                    st.readFloat32("brain").data());
            assertTrue(Float.isNaN(st.readFloat32("nan").data()[0]));
            assertArrayEquals(new float[]{1.25f, -7e-8f}, st.readFloat32("full").data());
            assertArrayEquals(new long[]{}, st.readFloat32("scalar").shape());
            assertEquals(2.6592f, st.readFloat32("scalar").data()[0]);
        }
    }

    @Test
    void truncatedFileNamesTheFileAndTheTensor() throws IOException {
        Path file = dir.resolve("cut.safetensors");
        SafetensorsTestFiles.write(file, List.of(f32("a", new long[]{4}, 1, 2, 3, 4), f32("b", new long[]{2}, 5, 6)));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        WeightsException e = assertThrows(WeightsException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("tensor b")
                && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void headerLyingAboutSizesIsRejected() throws IOException {
        Path file = dir.resolve("lying.safetensors");
        SafetensorsTestFiles.writeRaw(file,
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}", new byte[16]);
        WeightsException e = assertThrows(WeightsException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("tensor w") && e.getMessage().contains("needs 16"), e.getMessage());
    }

    @Test
    void headerLengthBeyondTheFileIsRejected() throws IOException {
        Path file = dir.resolve("short.safetensors");
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        Files.write(file, b.array());
        WeightsException e = assertThrows(WeightsException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("header length 1000") && e.getMessage().contains(file.toString()),
                e.getMessage());
        Files.write(file, new byte[]{1, 2, 3});
        assertThrows(WeightsException.class, () -> SafetensorsFile.open(file));
    }

    @Test
    void overlappingTensorsAndBadJsonAreRejected() throws IOException {
        Path file = dir.resolve("overlap.safetensors");
        SafetensorsTestFiles.writeRaw(file, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        WeightsException e = assertThrows(WeightsException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("overlap"), e.getMessage());

        SafetensorsTestFiles.writeRaw(file, "{\"a\": [1,", new byte[4]);
        e = assertThrows(WeightsException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void offsetsThatWouldOverflowAreRejectedNamingTheTensor() throws IOException {
        Path file = dir.resolve("overflow.safetensors");
        // begin and end near Long.MAX_VALUE: 8 + header + offset wraps negative without addExact
        long big = Long.MAX_VALUE - 4;
        SafetensorsTestFiles.writeRaw(file, "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":["
                + big + "," + (big + 4) + "]}}", new byte[4]);
        WeightsException e = assertThrows(WeightsException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("tensor w")
                && e.getMessage().contains("overflow"), e.getMessage());
    }

    @Test
    void gapsAndTrailingBytesAreRejectedNamingTheFileAndTheTensor() throws IOException {
        Path file = dir.resolve("gap.safetensors");
        SafetensorsTestFiles.writeRaw(file, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12]);
        WeightsException e = assertThrows(WeightsException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("tensor b")
                && e.getMessage().contains("gap"), e.getMessage());

        SafetensorsTestFiles.writeRaw(file, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                new byte[9]);
        e = assertThrows(WeightsException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("tensor a")
                && e.getMessage().contains("trailing"), e.getMessage());

        SafetensorsTestFiles.writeRaw(file, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,4]}}",
                new byte[0]);
        e = assertThrows(WeightsException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("tensor a"), e.getMessage());
    }

    @Test
    void otherDtypesValidateButCannotBeReadAsFloat() throws IOException {
        Path file = dir.resolve("ids.safetensors");
        SafetensorsTestFiles.writeRaw(file,
                "{\"ids\":{\"dtype\":\"I64\",\"shape\":[1,3],\"data_offsets\":[0,24]}}", new byte[24]);
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertEquals(DType.I64, st.info("ids").dtype());
            WeightsException e = assertThrows(WeightsException.class, () -> st.readFloat32("ids"));
            assertTrue(e.getMessage().contains("ids") && e.getMessage().contains("I64"), e.getMessage());
        }
        SafetensorsTestFiles.writeRaw(file,
                "{\"x\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]);
        WeightsException e = assertThrows(WeightsException.class, () -> SafetensorsFile.open(file));
        assertTrue(e.getMessage().contains("unknown dtype Q4"), e.getMessage());
    }

    @Test
    void readsTensorsBeyondTwoGibibytes() throws IOException {
        // a sparse file: 3 GiB of never-written padding tensor, then a small tensor we read
        long padBytes = 3L << 30;
        String header = "{\"pad\":{\"dtype\":\"F32\",\"shape\":[" + padBytes / 4 + "],\"data_offsets\":[0," + padBytes
                + "]},\"tail\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[" + padBytes + "," + (padBytes + 4)
                + "]}}";
        Path file = dir.resolve("big.safetensors");
        SafetensorsTestFiles.writeRaw(file, header, new byte[0]);
        long dataStart = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(dataStart + padBytes);
            raf.write(new byte[]{(byte) 0x80, 0x3F, 0x20, (byte) 0xC0}); // bf16 1.0, -2.5
        }
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            assertEquals(dataStart + padBytes, st.info("tail").begin());
            assertArrayEquals(new float[]{1f, -2.5f}, st.readFloat32("tail").data());
        }
    }
}
