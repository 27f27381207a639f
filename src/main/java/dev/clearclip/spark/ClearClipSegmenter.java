package dev.clearclip.spark;

import dev.clearclip.config.Method;
import dev.clearclip.weights.HubAccess;
import dev.clearclip.config.OutputOptions;
import dev.clearclip.config.Preset;
import dev.clearclip.config.SegmentationRequest;
import dev.clearclip.config.SettingOverrides;
import dev.clearclip.pipeline.PipelinePlan;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;

/**
 * Spark ML transformer: segments a column of image bytes (e.g. binaryFile's {@code content}) and appends
 * {@code width}, {@code height}, {@code status}, {@code error} and {@code segments} (one struct per vocabulary:
 * mask PNG, confidence PNG, RLE, class statistics). Same pipeline and per-JVM encoder cache as the batch job, and
 * the same settings rule: a preset vocabulary keeps its preset's settings, a class file gets {@code preset}'s
 * settings or the class-file defaults, and {@link #setOverrides} applies to every vocabulary.
 * From PySpark: {@code spark._jvm.dev.clearclip.spark.ClearClipSegmenter().setModel(...).transform(df._jdf)}.
 */
public final class ClearClipSegmenter extends Transformer {

    public static final StructType SEGMENT = new StructType(MaskSchema.SEGMENT_FIELDS);

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> uriCol;
    private final Param<String> model;
    private final StringArrayParam vocabularies;
    private final Param<String> preset;
    private final Param<String> device;
    private final IntParam batchSize;
    private SettingOverrides overrides = SettingOverrides.none();
    private OutputOptions output = OutputOptions.defaults();

    public ClearClipSegmenter() {
        this(Identifiable$.MODULE$.randomUID("clearclip"));
    }

    public ClearClipSegmenter(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "column of raw image bytes");
        uriCol = new Param<>(this, "uriCol", "column naming each image in error messages ('' = none)");
        model = new Param<>(this, "model", "model folder or name");
        vocabularies = new StringArrayParam(this, "vocabularies", "class files or preset names");
        preset = new Param<>(this, "preset", "preset whose settings class files get ('' = class-file defaults)");
        device = new Param<>(this, "device", "auto, cpu, gpu or gpu:N");
        batchSize = new IntParam(this, "batchSize", "images per segmenter call");
        setDefault(inputCol, "content");
        setDefault(uriCol, "path");
        setDefault(preset, "");
        setDefault(device, "auto");
        setDefault(batchSize, 8);
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> inputCol() { return inputCol; }
    public Param<String> uriCol() { return uriCol; }
    public Param<String> model() { return model; }
    public StringArrayParam vocabularies() { return vocabularies; }
    public Param<String> preset() { return preset; }
    public Param<String> device() { return device; }
    public IntParam batchSize() { return batchSize; }

    public ClearClipSegmenter setInputCol(String v) { set(inputCol, v); return this; }
    public ClearClipSegmenter setUriCol(String v) { set(uriCol, v); return this; }
    public ClearClipSegmenter setModel(String v) { set(model, v); return this; }
    public ClearClipSegmenter setVocabularies(String[] v) { set(vocabularies, v); return this; }
    public ClearClipSegmenter setPreset(String v) { set(preset, v); return this; }
    public ClearClipSegmenter setDevice(String v) { set(device, SegmentationRequest.validateDevice(v)); return this; }
    public ClearClipSegmenter setBatchSize(int v) { set(batchSize, v); return this; }

    /** Java/Scala: settings that override every vocabulary's own (null fields keep them). */
    public ClearClipSegmenter setOverrides(SettingOverrides o) { overrides = o; return this; }
    /** clearclip, naclip, sclip or scclip: the last block and the method's preset settings (as {@code --method}). */
    public ClearClipSegmenter setMethod(String m) { overrides = overrides.withMethod(Method.parse(m)); return this; }
    public ClearClipSegmenter setOutputOptions(OutputOptions o) { output = o; return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        String in = $(inputCol);
        if (!Arrays.asList(schema.fieldNames()).contains(in) || !(schema.apply(in).dataType() instanceof BinaryType)) {
            throw new IllegalArgumentException("input column '" + in + "' must exist and hold binary image bytes");
        }
        for (String added : List.of("width", "height", "status", "error", "segments")) {
            if (Arrays.asList(schema.fieldNames()).contains(added)) {
                throw new IllegalArgumentException("input already has a column named '" + added + "'");
            }
        }
        return schema.add("width", DataTypes.IntegerType, true).add("height", DataTypes.IntegerType, true)
                .add("status", DataTypes.StringType, false).add("error", DataTypes.StringType, true)
                .add("segments", new ArrayType(SEGMENT, false), true);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        StructType out = transformSchema(schema);
        String[] names = isDefined(vocabularies) ? $(vocabularies) : new String[0];
        int batch = (Integer) $(batchSize);
        if (!isDefined(model) || names.length == 0) {
            throw new IllegalArgumentException("set model and vocabularies before transform");
        }
        if (batch <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batch);
        }
        Method m = overrides.methodOrDefault();
        SegmentationRequest request = new SegmentationRequest(Arrays.asList(names),
                $(preset).isEmpty() ? null : Preset.load($(preset), m).settings(), overrides, output, $(device));
        var sc = dataset.sparkSession().sparkContext();
        PipelinePlan plan = PipelinePlan.prepare($(model), request, HubAccess.DEFAULT);
        TaskDevice.checkOnDriver(sc.getConf(), plan.device(), plan.precision());
        Broadcast<PipelinePlan> planB = JavaSparkContext.fromSparkContext(sc).broadcast(plan);
        String uri = $(uriCol);
        int uriIndex = !uri.isEmpty() && Arrays.asList(schema.fieldNames()).contains(uri) ? schema.fieldIndex(uri) : -1;
        TransformTask partition = new TransformTask(planB, batch, TaskAttempts.of(sc), schema.fieldIndex($(inputCol)),
                uriIndex, sc.longAccumulator("clearclip.model_loads"));
        return dataset.toDF().mapPartitions(partition, Encoders.row(out));
    }

    @Override
    public ClearClipSegmenter copy(ParamMap extra) {
        ClearClipSegmenter copy = defaultCopy(extra);
        copy.overrides = overrides;
        copy.output = output;
        return copy;
    }
}
