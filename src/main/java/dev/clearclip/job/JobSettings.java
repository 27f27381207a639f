package dev.clearclip.job;

import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.SegmentationSettings;
import dev.clearclip.spark.TaskDevice;

import java.util.List;
import java.util.Locale;

/**
 * Every setting of one {@code segment} run, validated on the driver before any task starts; each error names the
 * command-line setting at fault.
 *
 * @param inputs           paths or globs read with Spark's binaryFile source (empty when {@code manifest} is used)
 * @param manifest         Parquet or CSV with a {@code uri} column and optional {@code image_id}
 * @param partitions       fixed partition count, or null to size by {@code imagesPerPartition}
 * @param maxErrorRate     fail the run when failed/processed exceeds this; null = never
 */
public record JobSettings(List<String> inputs, boolean recursive, List<String> extensions, String manifest,
                          String output, String model, List<String> vocabularies, SegmentationSettings segmentation,
                          OutputOptions outputOptions, boolean overwrite, boolean retryErrors, Double maxErrorRate,
                          boolean exportLabels, String runId, Integer partitions, int imagesPerPartition,
                          int batchSize, String device, long maxFileBytes, int progressSeconds) {

    public static final List<String> DEFAULT_EXTENSIONS =
            List.of("jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff", "gif");

    public JobSettings {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        boolean hasManifest = manifest != null && !manifest.isBlank();
        require(inputs.isEmpty() != !hasManifest, "give either --input URI... or --manifest URI (exactly one)");
        for (String in : inputs) {
            require(in != null && !in.isBlank(), "--input must not be blank");
        }
        require(extensions != null && !extensions.isEmpty(), "--extensions must name at least one extension");
        extensions = extensions.stream().map(e -> e.strip().replaceFirst("^\\.", "").toLowerCase(Locale.ROOT)).toList();
        for (String e : extensions) {
            require(e.matches("[a-z0-9]+"), "--extensions: '" + e + "' is not a file extension");
        }
        require(output != null && !output.isBlank(), "--output URI is required");
        output = output.replaceFirst("/+$", "");
        require(model != null && !model.isBlank(), "--model is required");
        require(vocabularies != null && !vocabularies.isEmpty(), "give --preset NAME or --classes FILE[,...]");
        require(segmentation != null, "segmentation settings are required");
        require(outputOptions != null, "output options are required");
        require(maxErrorRate == null || (maxErrorRate >= 0 && maxErrorRate <= 1),
                "--max-error-rate must be in [0, 1], got " + maxErrorRate);
        require(partitions == null || partitions > 0, "--partitions must be positive, got " + partitions);
        require(imagesPerPartition > 0, "--images-per-partition must be positive, got " + imagesPerPartition);
        require(batchSize > 0 && batchSize <= 4096, "--batch-size must be in [1, 4096], got " + batchSize);
        device = TaskDevice.validate(device);
        require(maxFileBytes > 0 && maxFileBytes <= Integer.MAX_VALUE - 8,
                "--max-file-bytes must be in [1, " + (Integer.MAX_VALUE - 8) + "], got " + maxFileBytes);
        require(progressSeconds > 0, "--progress-interval must be positive, got " + progressSeconds);
    }

    public String table(String name) {
        return output + "/" + name;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
