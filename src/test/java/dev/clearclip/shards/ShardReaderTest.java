package dev.clearclip.shards;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Samples out of real tars: grouping by key, image choice, kept metadata, and every way a shard can be bad. */
class ShardReaderTest {

    static final List<String> IMAGES = List.of("jpg", "jpeg", "png", "webp");

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, byte[]> members() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("000001.jpg", bytes("jpeg-1"));
        m.put("000001.json", bytes("{\"caption\": \"a cat\"}"));
        m.put("000001.txt", bytes("a cat"));
        m.put("000001.cls", bytes("3"));
        m.put("dir/000002.seg.png", bytes("mask-2"));    // not an image member: its extension is seg.png
        m.put("dir/000002.png", bytes("png-2"));
        m.put("dir/000002.jpg", bytes("jpg-2"));          // preferred over png by extension order
        m.put("000003.json", bytes("{}"));                 // no image member
        m.put("000004.webp", bytes("webp-4"));
        return m;
    }

    static List<ShardSample> read(String name, byte[] shard) {
        List<ShardSample> out = new ArrayList<>();
        try (ShardReader r = new ShardReader(name, new ByteArrayInputStream(shard), IMAGES, Set.of("json", "txt"),
                1 << 20)) {
            r.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void groupsMembersByKeyPicksTheImageByExtensionAndKeepsMetadata() throws IOException {
        List<ShardSample> s = read("s/00000.tar", Tars.tar(members()));
        assertEquals(List.of("000001", "dir/000002", "000003", "000004"), s.stream().map(ShardSample::key).toList());
        assertArrayEquals(bytes("jpeg-1"), s.get(0).image());
        assertEquals(Map.of("json", "{\"caption\": \"a cat\"}", "txt", "a cat"), s.get(0).metadata());
        assertEquals("dir/000002.jpg", s.get(1).imageMember());
        assertArrayEquals(bytes("jpg-2"), s.get(1).image());
        assertNull(s.get(2).image());
        assertTrue(s.get(2).error().contains("no image member"), s.get(2).error());
        assertTrue(s.get(2).error().contains("json"), s.get(2).error());
        assertEquals(Map.of("json", "{}"), s.get(2).metadata());
        assertTrue(s.get(3).ok());
        assertEquals(0, s.get(0).offset());
    }

    @Test
    void gzippedShardsReadTheSame() throws IOException {
        List<ShardSample> plain = read("a.tar", Tars.tar(members()));
        List<ShardSample> gz = read("a.tar.gz", Tars.tarGz(members()));
        List<ShardSample> tgz = read("a.TGZ", Tars.tarGz(members()));
        assertEquals(plain.stream().map(ShardSample::key).toList(), gz.stream().map(ShardSample::key).toList());
        assertEquals(plain.size(), tgz.size());
        assertArrayEquals(plain.get(3).image(), gz.get(3).image());
    }

    @Test
    void aMemberCutShortIsOneErrorForItsSampleNamingShardAndOffsetAndNothingAfter() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("a.jpg", new byte[700]);
        m.put("b.jpg", new byte[700]);
        m.put("b.json", new byte[700]);
        m.put("c.jpg", new byte[700]);
        byte[] full = Tars.tar(m);
        long cutAt = Tars.dataOffset(m, 2) + 100; // inside b.json
        List<ShardSample> s = read("s3a://bucket/x.tar", Arrays.copyOf(full, (int) cutAt));
        assertEquals(List.of("a", "b"), s.stream().map(ShardSample::key).toList());
        assertTrue(s.get(0).ok());
        String error = s.get(1).error();
        assertTrue(error.contains("s3a://bucket/x.tar") && error.contains("byte " + cutAt)
                && error.contains("b.json") && error.contains("sample b"), error);
        assertNull(s.get(1).image());
        assertTrue(!s.get(1).readFailed(), "cut bytes are the shard's fault: a permanent error");
    }

    @Test
    void aReadThatFailsMidShardIsRetryableNotACorruptShard() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("a.jpg", new byte[700]);
        m.put("b.jpg", new byte[700]);
        m.put("c.jpg", new byte[700]);
        byte[] full = Tars.tar(m);
        int failAt = (int) Tars.dataOffset(m, 1) + 100; // inside b.jpg
        java.io.InputStream failing = new java.io.FilterInputStream(new ByteArrayInputStream(full)) {
            private int read;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read >= failAt) {
                    throw new java.net.SocketTimeoutException("read timed out");
                }
                int n = super.read(b, off, Math.min(len, failAt - read));
                read += Math.max(0, n);
                return n;
            }
        };
        List<ShardSample> s = new ArrayList<>();
        try (ShardReader r = new ShardReader("s3a://bucket/y.tar", failing, IMAGES, Set.of(), 1 << 20)) {
            r.forEachRemaining(s::add);
        }
        assertEquals(List.of("a", "b"), s.stream().map(ShardSample::key).toList());
        assertTrue(s.get(0).ok());
        assertTrue(s.get(1).readFailed(), s.get(1).error());
        assertTrue(s.get(1).error().contains("read timed out") && s.get(1).error().contains("sample b"),
                s.get(1).error());
    }

    @Test
    void aShardEndingAtAMemberBoundaryWithoutItsEndMarkerCutsItsLastSample() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("a.jpg", new byte[700]);
        m.put("b.jpg", new byte[700]);
        byte[] full = Tars.tar(m);
        int boundary = (int) Tars.dataOffset(m, 1) + 1024; // after b.jpg's padded data
        for (int cut : new int[] {boundary, boundary + 100}) {
            List<ShardSample> s = read("x.tar", Arrays.copyOf(full, cut));
            assertEquals(2, s.size());
            assertTrue(s.get(0).ok());
            assertTrue(s.get(1).error().contains("truncated"), s.get(1).error());
        }
        assertTrue(read("x.tar", Arrays.copyOf(full, boundary + 512)).get(1).ok(), "one zero record ends it");
    }

    @Test
    void aFileWithoutOneReadableHeaderIsOneErrorForTheShard() throws IOException {
        for (byte[] notTar : new byte[][] {new byte[0], bytes("short"), bytes("not a tar at all ".repeat(100)),
                Arrays.copyOf(Tars.tar(members()), 300)}) {
            List<ShardSample> s = read("bad.tar", notTar);
            assertEquals(1, s.size());
            assertNull(s.get(0).key());
            assertTrue(s.get(0).error().contains("bad.tar"), s.get(0).error());
        }
        List<ShardSample> gz = read("plain.tar.gz", Tars.tar(members()));
        assertEquals(1, gz.size());
        assertTrue(gz.get(0).error().contains("gzip"), gz.get(0).error());
        byte[] cutGz = Tars.tarGz(members());
        List<ShardSample> cut = read("cut.tgz", Arrays.copyOf(cutGz, cutGz.length - 30));
        assertTrue(cut.get(cut.size() - 1).error().contains("cut.tgz"), String.valueOf(cut.get(cut.size() - 1)));
    }

    @Test
    void oversizedAndRepeatedMembersAreErrorsOfTheirSample() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("a.jpg", new byte[5000]);
        m.put("b.jpg", new byte[10]);
        m.put("c.jpg", new byte[10]);
        m.put("b.json", new byte[10]); // b again, after c
        List<ShardSample> s = new ArrayList<>();
        try (ShardReader r = new ShardReader("x.tar", new ByteArrayInputStream(Tars.tar(m)), IMAGES, Set.of(), 4096)) {
            r.forEachRemaining(s::add);
        }
        assertEquals(List.of("a", "b", "c", "b"), s.stream().map(ShardSample::key).toList());
        assertTrue(s.get(0).error().contains("--max-file-bytes"), s.get(0).error());
        assertTrue(s.get(1).ok() && s.get(2).ok());
        assertTrue(s.get(3).error().contains("appears again"), s.get(3).error());
    }

    @Test
    void keysFollowWebDataset() {
        assertEquals(new MemberName("a/b/000001", "seg.png"), MemberName.of("a/b/000001.seg.png"));
        assertEquals(new MemberName("x.y/k", "jpg"), MemberName.of("x.y/k.JPG"));
        assertNull(MemberName.of("README"));
        assertNull(MemberName.of("dir/.hidden"));
        assertNull(MemberName.of("__index__"));
    }

    @Test
    void numericRangesExpandWithTheirPadding() {
        assertEquals(List.of("s/00008.tar", "s/00009.tar", "s/00010.tar"), ShardNames.expandRanges("s/{00008..00010}.tar"));
        assertEquals(List.of("p8-a", "p9-a", "p10-a"), ShardNames.expandRanges("p{8..10}-a"));
        assertEquals(List.of("0-0", "0-1", "1-0", "1-1"), ShardNames.expandRanges("{0..1}-{0..1}"));
        assertEquals(List.of("{a,b}.tar"), ShardNames.expandRanges("{a,b}.tar"));
        assertEquals("s/*.tar", ShardNames.replaceRanges("s/{000..999}.tar", "*"));
        assertThrows(IllegalArgumentException.class, () -> ShardNames.expandRanges("{9..1}"));
        assertTrue(ShardNames.isShard("x.TAR") && ShardNames.isShard("x.tar.gz") && !ShardNames.isShard("x.gz"));
    }
}
