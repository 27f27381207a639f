package dev.clearclip.cli;

import dev.clearclip.job.JobSettings;
import dev.clearclip.job.SegmentJob;
import picocli.CommandLine.ParentCommand;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code clearclip segment}: a batch run over image files to Parquet. Exit 0 when the run succeeded, 1 when it failed
 * (e.g. over --max-error-rate; the outputs and the runs row are still written), 2 for bad settings.
 */
@Command(name = "segment", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Segment image files (s3a://, hdfs://, file://) with Spark and write masks, class_stats "
                + "and runs as Parquet under --output.")
public final class SegmentCommand implements Callable<Integer> {

    @Option(names = "--input", arity = "1..*", paramLabel = "URI", description = "image files, folders or globs")
    List<String> inputs = new ArrayList<>();
    @Option(names = "--recursive", description = "descend into sub-folders of --input folders")
    boolean recursive;
    @Option(names = "--extensions", split = ",", paramLabel = "EXT",
            description = "file extensions to read (default jpg,jpeg,png,webp,bmp,tif,tiff,gif)")
    List<String> extensions = new ArrayList<>(JobSettings.DEFAULT_EXTENSIONS);
    @Option(names = "--manifest", paramLabel = "URI", description = "Parquet or CSV with a uri column (and image_id)")
    String manifest;
    @Option(names = "--keep-metadata", split = ",", paramLabel = "EXT",
            description = "shard members copied into the metadata column, e.g. json,txt (shard inputs)")
    List<String> keepMetadata = new ArrayList<>();
    @Option(names = "--input-table", paramLabel = "URI", description = "Parquet table (or catalog table) with an "
            + "image-bytes column (img2dataset, Hugging Face datasets)")
    String inputTable;
    @Option(names = "--image-column", paramLabel = "COL", description = "the table's image column (default: detected)")
    String imageColumn;
    @Option(names = "--key-column", paramLabel = "COL", description = "the table's key column (default: key, "
            + "else image.path or file:row)")
    String keyColumn;
    @Option(names = "--carry-columns", split = ",", paramLabel = "COL",
            description = "table columns copied into the metadata column, e.g. url,caption")
    List<String> carryColumns = new ArrayList<>();
    @Option(names = "--output", required = true, paramLabel = "URI", description = "where the tables are written")
    String output;
    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "model folder or name")
    String model;
    @Mixin
    SegmentationOptions segmentation;
    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default local[*,4]: every core, 4 attempts per task; "
            + "or what spark-submit set)")
    String master;
    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "extra Spark setting (repeatable)")
    Map<String, String> conf = Map.of();
    @Option(names = "--overwrite", description = "delete the previous outputs and redo every image")
    boolean overwrite;
    @Option(names = "--retry-errors", description = "redo images whose previous row is an error")
    boolean retryErrors;
    @Option(names = "--max-error-rate", paramLabel = "R",
            description = "fail the run (exit 1) when more than this share of the input's images is failed in the table"
                    + " after the run, whichever run failed them")
    Double maxErrorRate;
    @Option(names = "--export-labels", description = "also write VOC-style label PNGs under OUTPUT/labels")
    boolean exportLabels;
    @Option(names = "--run-id", paramLabel = "ID", description = "run id (default: UTC time + random suffix)")
    String runId;
    @Option(names = "--partitions", paramLabel = "N", description = "segmentation tasks (default by --images-per-partition)")
    Integer partitions;
    @Option(names = "--images-per-partition", paramLabel = "N",
            description = "images per task (default: about 2 minutes of a core's work at the run's pace)")
    Integer imagesPerPartition;
    @Option(names = "--batch-size", paramLabel = "N", description = "images per segmenter call (default 8)")
    int batchSize = 8;
    @Option(names = "--max-file-bytes", paramLabel = "N", description = "larger files are error rows (default 256 MiB)")
    long maxFileBytes = 256L << 20;
    @Option(names = "--lease-timeout", paramLabel = "S",
            description = "a lease on the output whose heartbeat is older than S seconds is a dead run's and is taken"
                    + " over (default 120)")
    int leaseTimeout = JobSettings.Destination.DEFAULT_LEASE_TIMEOUT_SECONDS;
    @Option(names = "--table-format", paramLabel = "parquet|iceberg",
            description = "Parquet folders under --output (default), or Iceberg tables: a Hadoop catalog at --output,"
                    + " or --catalog")
    String tableFormat = "parquet";
    @Option(names = "--catalog", paramLabel = "NAME",
            description = "Iceberg: the Spark catalog holding the tables (spark.sql.catalog.NAME.*, e.g. REST, Glue);"
                    + " --output still holds the lease, label exports and run JSON")
    String catalog;
    @Option(names = "--namespace", paramLabel = "NS", description = "Iceberg: the tables' namespace (default clearclip)")
    String namespace;
    @Option(names = "--no-lease", description = "Iceberg catalogs that commit atomically: let concurrent runs write "
            + "(they merge on the rerun key); refused for Parquet folders and Hadoop catalogs on file/s3a")
    boolean noLease;
    @Option(names = "--target-file-mb", paramLabel = "MB",
            description = "size of the masks table's Parquet files at scale (default: ${DEFAULT-VALUE}); a small run "
                    + "writes one file per wave")
    int targetFileMb = JobSettings.Destination.DEFAULT_TARGET_FILE_MB;
    @Option(names = "--commit-every", paramLabel = "N",
            description = "commit the rows of every N images (a wave) before the next: a crash loses at most one wave"
                    + " (default: about an hour of the executors' work, from their number)")
    Long commitEvery;
    @Option(names = "--progress-interval", paramLabel = "S", description = "seconds between progress lines (default 30)")
    int progressSeconds = 30;

    @ParentCommand
    Main main;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private PrintWriter out;
    private PrintWriter err;

    /** Prints where the command line's writers go. */
    public SegmentCommand() {
    }

    /** Tests capture what the command prints. */
    public SegmentCommand(PrintStream out, PrintStream err) {
        this.out = new PrintWriter(out, true);
        this.err = new PrintWriter(err, true);
    }

    @Override
    public Integer call() {
        if (out == null) {
            out = spec.commandLine().getOut();
            err = spec.commandLine().getErr();
        }
        JobSettings settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            err.println("clearclip segment: " + e.getMessage());
            return SegmentJob.REFUSED;
        }
        return SegmentJob.execute(settings, master, conf, Main.hubAccess(main), out, err);
    }

    JobSettings settings() {
        if (inputTable == null && (imageColumn != null || keyColumn != null || !carryColumns.isEmpty())) {
            throw new IllegalArgumentException("--image-column, --key-column and --carry-columns need --input-table");
        }
        JobSettings.InputTable table = inputTable == null ? null
                : new JobSettings.InputTable(inputTable, imageColumn, keyColumn, carryColumns);
        return new JobSettings(new JobSettings.Sources(inputs, recursive, extensions, manifest, keepMetadata, table),
                new JobSettings.Destination(output, overwrite, retryErrors, maxErrorRate, exportLabels, runId,
                        leaseTimeout, targetFileMb, JobSettings.TableFormat.parse(tableFormat), catalog, namespace,
                        !noLease), model,
                segmentation.request(),
                new JobSettings.Execution(partitions, imagesPerPartition, batchSize, maxFileBytes, progressSeconds,
                        commitEvery));
    }
}
