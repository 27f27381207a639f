package dev.clearclip.job;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The output lease on the local file system: exclusive, released, stale leases taken over by exactly one run. */
class OutputLeaseTest {

    @TempDir
    Path dir;

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SLOW_BEAT = Duration.ofHours(1);

    private OutputLease take(String runId, Clock clock) throws Exception {
        return OutputLease.acquire(dir.toUri().toString(), runId, TIMEOUT, SLOW_BEAT, new Configuration(), clock);
    }

    @Test
    void aSecondRunIsRefusedWithTheHoldersNameUntilTheFirstReleases() throws Exception {
        try (OutputLease first = take("run-a", Clock.systemUTC())) {
            assertTrue(first.held());
            OutputLease.HeldException e = assertThrows(OutputLease.HeldException.class,
                    () -> take("run-b", Clock.systemUTC()));
            assertTrue(e.getMessage().contains("run run-a"), e.getMessage());
        }
        assertFalse(Files.exists(dir.resolve(OutputLease.FILE)), "released at the end");
        try (OutputLease again = take("run-b", Clock.systemUTC())) {
            assertTrue(again.held());
        }
    }

    @Test
    void aStaleLeaseIsTakenOverByExactlyOneOfManyRacingRuns() throws Exception {
        Instant long_ago = Instant.now().minus(Duration.ofHours(2));
        take("dead-run", Clock.fixed(long_ago, ZoneOffset.UTC)); // never closed: its driver died
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<OutputLease>> results = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            String id = "racer-" + i;
            results.add(pool.submit((Callable<OutputLease>) () -> {
                start.await();
                try {
                    return take(id, Clock.systemUTC());
                } catch (OutputLease.HeldException e) {
                    return null;
                }
            }));
        }
        start.countDown();
        List<OutputLease> winners = new ArrayList<>();
        for (Future<OutputLease> f : results) {
            if (f.get() != null) {
                winners.add(f.get());
            }
        }
        pool.shutdown();
        assertEquals(1, winners.size(), "one taker wins the compare-and-swap");
        String lease = Files.readString(dir.resolve(OutputLease.FILE));
        assertFalse(lease.contains("dead-run"), lease);
        winners.get(0).close();
    }

    @Test
    void aRunWhoseLeaseWasTakenOverNoticesAtItsNextHeartbeat() throws Exception {
        Instant long_ago = Instant.now().minus(Duration.ofHours(2));
        OutputLease slow = OutputLease.acquire(dir.toUri().toString(), "slow-run", TIMEOUT, Duration.ofMillis(200),
                new Configuration(), Clock.fixed(long_ago, ZoneOffset.UTC));
        try (OutputLease taker = take("taker", Clock.systemUTC())) {
            for (int i = 0; i < 50 && slow.held(); i++) {
                Thread.sleep(100);
            }
            assertFalse(slow.held(), "the slow run sees the lease is no longer its own");
            slow.close();
            assertTrue(Files.readString(dir.resolve(OutputLease.FILE)).contains("taker"),
                    "closing a lost lease leaves the new holder's");
        }
    }

    @Test
    void heartbeatsKeepTheLeaseFresh() throws Exception {
        try (OutputLease l = OutputLease.acquire(dir.toUri().toString(), "beating", TIMEOUT, Duration.ofMillis(100),
                new Configuration(), Clock.systemUTC())) {
            String before = Files.readString(dir.resolve(OutputLease.FILE));
            Thread.sleep(600);
            assertFalse(before.equals(Files.readString(dir.resolve(OutputLease.FILE))), "rewritten by the heartbeat");
            assertTrue(l.held());
        }
    }
}
