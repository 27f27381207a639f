package dev.clearclip.job;

import dev.clearclip.spark.HadoopConf;
import dev.clearclip.spark.ImageFiles;
import dev.clearclip.spark.InputRows;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * Loose files listed on executors, never on the driver (Spark's file index would hold every file status there):
 * one task per input lists its top level (or its glob), then the sub-folders found are listed in parallel, each task
 * walking its sub-trees with Hadoop's file system. Like Spark's file index, names starting with '.' or '_' found in a
 * folder are hidden. Image ids are the key without its extension, unless two files would share one: then the key
 * with its extension, and where even that collides (the same name under two inputs), {@code <input index>/<key>}.
 */
final class FileListing {

    /** A place to list: a file or folder found, with the input it belongs to (a file with its fingerprint). */
    record Found(int input, String path, boolean folder, String fingerprint) implements Serializable {
        static Found of(int input, FileStatus f) {
            return new Found(input, f.getPath().toString(), f.isDirectory(),
                    f.isDirectory() ? null : ImageFiles.fingerprint(f));
        }
    }

    private static final StructType LISTED = new StructType()
            .add("input", DataTypes.IntegerType, false)
            .add("uri", DataTypes.StringType, false)
            .add("key", DataTypes.StringType, false)
            .add("source_fingerprint", DataTypes.StringType, true);

    private FileListing() {
    }

    static Dataset<Row> list(SparkSession spark, List<String> inputs, List<InputRoot> roots) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<HadoopConf> conf = jsc.broadcast(new HadoopConf(spark.sparkContext().hadoopConfiguration()));
        List<Found> given = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            given.add(new Found(i, inputs.get(i), false, null));
        }
        JavaRDD<Found> top = jsc.parallelize(given, given.size()).flatMap(new TopLevel(conf, roots))
                .persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Found> below = top.filter(Found::folder).repartition(Math.max(1, jsc.defaultParallelism()))
                .flatMap(new Walk(conf, roots));
        JavaRDD<Row> files = top.filter(f -> !f.folder()).union(below).flatMap(f -> {
            String key = roots.get(f.input()).key(f.path());
            return (key == null ? List.<Row>of() : List.of(RowFactory.create(f.input(), f.path(), key, f.fingerprint()))).iterator();
        });
        Dataset<Row> listed = spark.createDataFrame(files, LISTED).dropDuplicates("uri");
        Column stripped = org.apache.spark.sql.functions.regexp_replace(col("key"), "(?<=[^/])\\.[^./]*$", "");
        Dataset<Row> ids = listed.withColumn("image_id", stripped);
        ids = ids.withColumn("image_id", when(count(lit(1)).over(Window.partitionBy("image_id")).gt(1), col("key"))
                .otherwise(col("image_id")));
        ids = ids.withColumn("image_id", when(count(lit(1)).over(Window.partitionBy("image_id")).gt(1),
                concat(col("input").cast("string"), lit("/"), col("image_id"))).otherwise(col("image_id")));
        return ids.select(col("uri"), col("image_id"), col("uri").as("source"), col("key"),
                lit(null).cast(InputRows.SCHEMA.apply("metadata").dataType()).as("metadata"),
                lit(null).cast("binary").as("image"), lit(null).cast("string").as("read_error"),
                lit(null).cast("boolean").as("read_error_retryable"), col("source_fingerprint"));
    }

    static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /** Whether files under {@code folder} can be at a level the input takes. */
    static boolean descend(InputRoot root, String folder) {
        int max = root.fileDepth() < 0 ? Integer.MAX_VALUE : root.fileDepth() + (root.glob() ? 1 : 0);
        return root.fileDepth() < 0 || InputRoot.depth(new Path(folder).toUri().getPath()) + 1 <= max;
    }

    /** One input: the files its glob matches or its folder holds, and the folders to walk. */
    private record TopLevel(Broadcast<HadoopConf> conf, List<InputRoot> roots)
            implements FlatMapFunction<Found, Found> {
        @Override
        public Iterator<Found> call(Found input) throws IOException {
            Path path = new Path(input.path());
            FileSystem fs = path.getFileSystem(conf.value().get());
            InputRoot root = roots.get(input.input());
            List<Found> out = new ArrayList<>();
            if (root.glob()) {
                FileStatus[] matches = fs.globStatus(fs.makeQualified(path));
                for (FileStatus f : matches == null ? new FileStatus[0] : matches) {
                    out.add(Found.of(input.input(), f));
                }
                return out.iterator();
            }
            FileStatus status = fs.getFileStatus(path);
            if (!status.isDirectory()) {
                return List.of(Found.of(input.input(), status)).iterator();
            }
            return new Listing(fs, status.getPath(), input.input(), root, false);
        }
    }

    /** Every file under a folder (as deep as its input allows). */
    private record Walk(Broadcast<HadoopConf> conf, List<InputRoot> roots) implements FlatMapFunction<Found, Found> {
        @Override
        public Iterator<Found> call(Found folder) throws IOException {
            Path path = new Path(folder.path());
            FileSystem fs = path.getFileSystem(conf.value().get());
            return new Listing(fs, path, folder.input(), roots.get(folder.input()), true);
        }
    }

    /**
     * Streams a folder's entries (deep when {@code deep}, else its folders come out as {@link Found#folder()}) without
     * holding the listing; hand-written over {@code listStatusIterator} because Hadoop's recursive {@code listFiles}
     * can neither skip hidden folders nor stop at the input's depth.
     */
    private static final class Listing implements Iterator<Found> {
        private final FileSystem fs;
        private final int input;
        private final InputRoot root;
        private final boolean deep;
        private final ArrayDeque<RemoteIterator<FileStatus>> open = new ArrayDeque<>();
        private Found next;

        Listing(FileSystem fs, Path folder, int input, InputRoot root, boolean deep) throws IOException {
            this.fs = fs;
            this.input = input;
            this.root = root;
            this.deep = deep;
            open.push(fs.listStatusIterator(folder));
        }

        @Override
        public boolean hasNext() {
            try {
                while (next == null && !open.isEmpty()) {
                    RemoteIterator<FileStatus> it = open.peek();
                    if (!it.hasNext()) {
                        open.pop();
                        continue;
                    }
                    FileStatus f = it.next();
                    String name = f.getPath().getName();
                    if (hidden(name)) {
                        continue;
                    }
                    if (!f.isDirectory()) {
                        next = Found.of(input, f);
                    } else if (descend(root, f.getPath().toString())) {
                        if (deep) {
                            open.push(fs.listStatusIterator(f.getPath()));
                        } else {
                            next = Found.of(input, f);
                        }
                    }
                }
                return next != null;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot list under " + root.rootPath() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Found next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            Found f = next;
            next = null;
            return f;
        }
    }
}
