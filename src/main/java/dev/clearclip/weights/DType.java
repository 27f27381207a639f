package dev.clearclip.weights;

import java.nio.ByteBuffer;

/**
 * Safetensors element types. Every type is known so headers validate (HF files carry I64 position_ids buffers), but
 * only F32, F16 and BF16 can be read, widened to float32 on the Java side.
 */
public enum DType {
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    F64(8, false),
    F8_E4M3(1, false),
    F8_E5M2(1, false),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U64(8, false),
    U32(4, false),
    U16(2, false),
    U8(1, false),
    BOOL(1, false);

    private final int itemSize;
    private final boolean readable;

    DType(int itemSize, boolean readable) {
        this.itemSize = itemSize;
        this.readable = readable;
    }

    /** Whether {@link SafetensorsFile#readFloat32} can read this type. */
    public boolean readable() {
        return readable;
    }

    public int itemSize() {
        return itemSize;
    }

    /** Reads {@code count} little-endian values from {@code src} (position advanced) into {@code dst[offset...]}. */
    void widen(ByteBuffer src, float[] dst, int offset, int count) {
        switch (this) {
            case F32 -> src.asFloatBuffer().get(dst, offset, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[offset + i] = halfToFloat(src.getShort(src.position() + 2 * i));
                }
            }
            case BF16 -> {
                // bf16 is the top half of a float32: shifting back is exact. (BF16 NDArrays would abort this libtorch.)
                for (int i = 0; i < count; i++) {
                    dst[offset + i] = Float.intBitsToFloat((src.getShort(src.position() + 2 * i) & 0xffff) << 16);
                }
            }
            default -> throw new IllegalStateException(this + " is not readable as float32");
        }
        src.position(src.position() + count * itemSize);
    }

    /** IEEE 754 binary16 -> binary32, exact (Java 17 lacks Float.float16ToFloat). */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // zero or subnormal: mant * 2^-24 is exactly representable
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    static DType parse(String name, String where) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new WeightsException(where + ": unknown dtype " + name);
    }
}
