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
     * Where the images are: exactly one of {@code uris}, {@code manifest} and {@code table}.
     *
     * @param uris         files, folders or globs of images, or of WebDataset tar shards (numeric brace ranges
     *                     allowed); empty when {@code manifest} or {@code table} is used
     * @param manifest     Parquet or CSV with a {@code uri} column and optional {@code image_id}
     * @param keepMetadata shard member extensions copied into the output's {@code metadata} (shard inputs only)
     * @param table        a table of image bytes, or null
     */
    public record Sources(List<String> uris, boolean recursive, List<String> extensions, String manifest,
                          List<String> keepMetadata, InputTable table) {
        public Sources {
            uris = uris == null ? List.of() : List.copyOf(uris);
            boolean hasManifest = manifest != null && !manifest.isBlank();
            int given = (uris.isEmpty() ? 0 : 1) + (hasManifest ? 1 : 0) + (table != null ? 1 : 0);
            require(given == 1, "give either --input URI..., --manifest URI or --input-table URI (exactly one)");
            for (String in : uris) {
                require(in != null && !in.isBlank(), "--input must not be blank");
            }
            extensions = extensionList(extensions, "--extensions");
            require(!extensions.isEmpty(), "--extensions must name at least one extension");
            keepMetadata = extensionList(keepMetadata, "--keep-metadata");
            require(keepMetadata.isEmpty() || !uris.isEmpty(), "--keep-metadata applies to shard --input only");
            for (String k : keepMetadata) {
                require(!extensions.contains(k), "--keep-metadata " + k + " is an image extension");
            }
        }

        private static List<String> extensionList(List<String> given, String option) {
            List<String> list = given == null ? List.of() : given.stream()
                    .map(e -> e.strip().replaceFirst("^\\.", "").toLowerCase(Locale.ROOT)).toList();
            for (String e : list) {
                require(e.matches("[a-z0-9]+(\\.[a-z0-9]+)*"), option + ": '" + e + "' is not a file extension");
            }
            return list;
        }
    }

    /**
     * A Parquet table (or a catalog table) with one row per image and the image's bytes in a column.
     *
     * @param imageColumn   binary column, or a struct with a binary {@code bytes} field; null = detect
     *                      (img2dataset {@code jpg}/{@code png}/{@code webp}, Hugging Face {@code image})
     * @param keyColumn     the corpus' key column; null = {@code key} when present, else {@code image.path} or
     *                      {@code <file>:<row index>}
     * @param carryColumns  columns copied into the output's {@code metadata}, as text
     */
    public record InputTable(String uri, String imageColumn, String keyColumn, List<String> carryColumns) {
        public InputTable {
            require(uri != null && !uri.isBlank(), "--input-table must not be blank");
            carryColumns = carryColumns == null ? List.of() : carryColumns.stream().map(String::strip).toList();
            for (String c : carryColumns) {
                require(!c.isEmpty(), "--carry-columns must not name an empty column");
            }
        }
    }

    /**
     * Where the tables go and what a rerun redoes.
     *
     * @param maxErrorRate        fail the run when the input's images failed in the table exceed this share; null = never
     * @param leaseTimeoutSeconds a lease on the output whose heartbeat is older than this is a dead run's
     * @param targetFileMb        the size {@code masks} files are aimed at: rows are gathered into files of about
     *                            this size, never one per task (Parquet folders; Iceberg tables follow their own
     *                            {@code write.target-file-size-bytes})
     * @param tableFormat         Parquet folders under {@code uri}, or Iceberg tables
     * @param catalog             Iceberg: the user's Spark catalog, or null for a Hadoop catalog at {@code uri}
     * @param namespace           Iceberg: the tables' namespace
     * @param lease               hold the output's lease for the whole run (off only for Iceberg catalogs that
     *                            commit atomically, where concurrent runs merge on the rerun key)
     */
    public record Destination(String uri, boolean overwrite, boolean retryErrors, Double maxErrorRate,
                              boolean exportLabels, String runId, int leaseTimeoutSeconds, int targetFileMb,
                              TableFormat tableFormat, String catalog, String namespace, boolean lease) {
        public static final int DEFAULT_LEASE_TIMEOUT_SECONDS = 120;
        public static final int DEFAULT_TARGET_FILE_MB = 256;
        public static final String DEFAULT_NAMESPACE = "clearclip";

        public Destination {
            tableFormat = tableFormat == null ? TableFormat.PARQUET : tableFormat;
            namespace = namespace == null ? DEFAULT_NAMESPACE : namespace;
            if (tableFormat == TableFormat.PARQUET) {
                require(catalog == null, "--catalog needs --table-format iceberg");
                require(namespace.equals(DEFAULT_NAMESPACE), "--namespace needs --table-format iceberg");
                require(lease, "--no-lease needs --table-format iceberg (Parquet folders have one writer at a time)");
            } else {
                require(!overwrite || lease, "--overwrite needs the lease (drop --no-lease)");
                // Target refuses a bad name, and a Hadoop catalog on file/s3a without the lease
                String warehouse = uri == null ? null : uri.replaceFirst("/+$", "");
                if (catalog != null) {
                    dev.clearclip.lake.Target.catalog(catalog, namespace, lease);
                } else if (warehouse != null) {
                    dev.clearclip.lake.Target.warehouse(warehouse, namespace, lease);
                }
            }
            require(targetFileMb >= 1 && targetFileMb <= 4096,
                    "--target-file-mb must be in [1, 4096], got " + targetFileMb);
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

    /** How the tables are stored. */
    public enum TableFormat {
        PARQUET, ICEBERG;

        public static TableFormat parse(String name) {
            for (TableFormat f : values()) {
                if (f.name().equalsIgnoreCase(name)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("--table-format " + name + ": give parquet or iceberg");
        }
    }

    /**
     * How the work is spread and paced.
     *
     * @param partitions         fixed partition count, or null to size by {@code imagesPerPartition}
     * @param imagesPerPartition images per task, or null for about two minutes of a core's work at the run's pace
     * @param commitEvery        images per wave (each wave is committed before the next starts), or null for the
     *                           default
     */
    public record Execution(Integer partitions, Integer imagesPerPartition, int batchSize, long maxFileBytes,
                            int progressSeconds, Long commitEvery) {
        public Execution {
            require(commitEvery == null || commitEvery > 0, "--commit-every must be positive, got " + commitEvery);
            require(partitions == null || partitions > 0, "--partitions must be positive, got " + partitions);
            require(imagesPerPartition == null || imagesPerPartition > 0,
                    "--images-per-partition must be positive, got " + imagesPerPartition);
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
