package dev.clearclip.job;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/** Default run ids: UTC start time plus a random suffix, sortable and unique enough for concurrent runs. */
final class RunIds {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private RunIds() {
    }

    static String next(Instant now) {
        return FORMAT.format(now) + "-" + Integer.toHexString(0x100000 | ThreadLocalRandom.current().nextInt(0x100000))
                .substring(1);
    }
}
