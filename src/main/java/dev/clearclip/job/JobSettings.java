package dev.clearclip.job;

import dev.clearclip.config.SegmentationRequest;

import java.util.List;
import java.util.Locale;

/**
 * Every setting of one {@code segment} run, validated on the driver before any task starts; each error names the
 * command-line setting at fault.
 */
public record JobSettings(Sources inputs, Destination output, String model, SegmentationRequest segmentation,
                          Execution execution) {

    public static final List<String> DEFAULT_EXTENSIONS =
            List.of("jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff", "gif");

    /**
     * Where the images are.
     *
     * @param uris     files, folders or globs (empty when {@code manifest} is used)
     * @param manifest Parquet or CSV with a {@code uri} column and optional {@code image_id}
     */
    public record Sources(List<String> uris, boolean recursive, List<String> extensions, String manifest) {
        public Sources {
            uris = uris == null ? List.of() : List.copyOf(uris);
            boolean hasManifest = manifest != null && !manifest.isBlank();
            require(uris.isEmpty() != !hasManifest, "give either --input URI... or --manifest URI (exactly one)");
            for (String in : uris) {
                require(in != null && !in.isBlank(), "--input must not be blank");
            }
            require(extensions != null && !extensions.isEmpty(), "--extensions must name at least one extension");
            extensions = extensions.stream().map(e -> e.strip().replaceFirst("^\\.", "").toLowerCase(Locale.ROOT))
                    .toList();
            for (String e : extensions) {
                require(e.matches("[a-z0-9]+"), "--extensions: '" + e + "' is not a file extension");
            }
        }
    }

    /**
     * Where the tables go and what a rerun redoes.
     *
     * @param maxErrorRate        fail the run when the input's images failed in the table exceed this share; null = never
     * @param leaseTimeoutSeconds a lease on the output whose heartbeat is older than this is a dead run's
     */
    public record Destination(String uri, boolean overwrite, boolean retryErrors, Double maxErrorRate,
                              boolean exportLabels, String runId, int leaseTimeoutSeconds) {
        public static final int DEFAULT_LEASE_TIMEOUT_SECONDS = 120;

        public Destination {
            require(leaseTimeoutSeconds >= 10 && leaseTimeoutSeconds <= 86_400,
                    "--lease-timeout must be in [10, 86400] seconds, got " + leaseTimeoutSeconds);
            require(uri != null && !uri.isBlank(), "--output URI is required");
            uri = uri.replaceFirst("/+$", "");
            require(maxErrorRate == null || (maxErrorRate >= 0 && maxErrorRate <= 1),
                    "--max-error-rate must be in [0, 1], got " + maxErrorRate);
        }

        public String table(String name) {
            return uri + "/" + name;
        }

        /** Heartbeats come three times per timeout, at most every 20 s: one lost beat never looks like a dead run. */
        public java.time.Duration leaseHeartbeat() {
            return java.time.Duration.ofMillis(Math.min(20_000L, leaseTimeoutSeconds * 1000L / 3));
        }
    }

    /**
     * How the work is spread and paced.
     *
     * @param partitions  fixed partition count, or null to size by {@code imagesPerPartition}
     * @param commitEvery images per wave (each wave is committed before the next starts), or null for the default
     */
    public record Execution(Integer partitions, int imagesPerPartition, int batchSize, long maxFileBytes,
                            int progressSeconds, Long commitEvery) {
        public Execution {
            require(commitEvery == null || commitEvery > 0, "--commit-every must be positive, got " + commitEvery);
            require(partitions == null || partitions > 0, "--partitions must be positive, got " + partitions);
            require(imagesPerPartition > 0, "--images-per-partition must be positive, got " + imagesPerPartition);
            require(batchSize > 0 && batchSize <= 4096, "--batch-size must be in [1, 4096], got " + batchSize);
            require(maxFileBytes > 0 && maxFileBytes <= Integer.MAX_VALUE - 8,
                    "--max-file-bytes must be in [1, " + (Integer.MAX_VALUE - 8) + "], got " + maxFileBytes);
            require(progressSeconds > 0, "--progress-interval must be positive, got " + progressSeconds);
        }
    }

    public JobSettings {
        require(inputs != null && output != null && execution != null, "inputs, output and execution are required");
        require(model != null && !model.isBlank(), "--model is required");
        require(segmentation != null, "give --preset NAME or --classes FILE[,...]");
    }

    public String table(String name) {
        return output.table(name);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
