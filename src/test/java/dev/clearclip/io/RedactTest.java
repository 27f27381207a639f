package dev.clearclip.io;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RedactTest {

    @Test
    void stripsUserInfoFromPlainUris() {
        assertEquals("s3a://bucket/out", Redact.text("s3a://AKIAXX:secret@bucket/out"));
        assertEquals("s3a://bucket/out", Redact.text("s3a://AKIAXX@bucket/out"));
    }

    @Test
    void secretsWithSlashesAndPlusesAreStrippedWhole() {
        assertEquals("s3a://bucket/out/x",
                Redact.text("s3a://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY@bucket/out/x"));
        assertEquals("s3a://bucket/o", Redact.text("s3a://K:a+b/c+d@bucket/o"));
    }

    @Test
    void bucketsWithUnderscoresThatJavaUriCannotParse() {
        assertEquals("s3a://my_bucket/out", Redact.text("s3a://KEY:SECRET@my_bucket/out"));
        assertEquals("s3a://my_bucket/out", Redact.text("s3a://my_bucket/out"));
    }

    @Test
    void everyUriInsideAMessage() {
        assertEquals("cannot read s3a://b/x.jpg (copied from gs://c/y)",
                Redact.text("cannot read s3a://K:S/x@b/x.jpg (copied from gs://K2:S2@c/y)"));
    }

    @Test
    void leavesHostsPortsAndAtSignsInPathsAlone() {
        assertEquals("http://127.0.0.1:9000/bucket/a@b.jpg", Redact.text("http://127.0.0.1:9000/bucket/a@b.jpg"));
        assertEquals("s3a://bucket/dir/a:b@c.jpg", Redact.text("s3a://bucket/dir/a:b@c.jpg"));
        assertEquals("/data/images/x.jpg", Redact.text("/data/images/x.jpg"));
        assertEquals("hdfs://namenode:8020/x@y", Redact.text("hdfs://namenode:8020/x@y"));
    }

    @Test
    void presignedUrlSignaturesAndTokens() {
        assertEquals("https://b.s3.amazonaws.com/k.jpg?X-Amz-Credential=***&X-Amz-Signature=***&x=1",
                Redact.text("https://b.s3.amazonaws.com/k.jpg?X-Amz-Credential=AKIA/2026&X-Amz-Signature=abc&x=1"));
        assertEquals("https://h/x?token=***", Redact.text("https://h/x?token=hf_secret"));
    }

    @Test
    void nullStaysNull() {
        assertNull(Redact.text(null));
    }
}
