package dev.clearclip.io;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileNamesTest {

    @Test
    void ordinaryIdsAndSubFoldersPass() {
        assertNull(FileNames.problem("2007_000032"));
        assertNull(FileNames.problem("city/frankfurt/000001"));
        assertNull(FileNames.problem("a..b"));
        assertNull(FileNames.problem("x".repeat(200)));
        assertEquals("street/x", FileNames.require("street/x"));
    }

    @Test
    void traversalAbsoluteSchemesControlsAndLongIdsAreRefused() {
        for (String bad : new String[]{"../../masks/run_date=2025-01-01/x", "a/../../b", "..", "a\\..\\b", "/etc/x",
                "s3a://other/x", "c:x", "a\nb", "a\u0000b", "x".repeat(201), "é".repeat(101), ""}) {
            assertNotNull(FileNames.problem(bad), bad);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FileNames.require("../../masks/x"));
        assertTrue(e.getMessage().contains("'../../masks/x'"), e.getMessage());
        assertTrue(FileNames.problem("a\nb").contains("\\u000a"), FileNames.problem("a\nb"));
    }
}
