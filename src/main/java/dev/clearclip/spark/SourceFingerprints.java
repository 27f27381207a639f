package dev.clearclip.spark;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.Iterator;

/**
 * Adds {@code source_fingerprint} ({@link ImageFiles#fingerprint}) to input rows that lack one, on the executors:
 * one metadata request per file, never on the driver. Inputs whose listing already knows it keep theirs.
 */
public final class SourceFingerprints {

    public static final String COLUMN = "source_fingerprint";

    private SourceFingerprints() {
    }

    public static Dataset<Row> add(Dataset<Row> inputs, Broadcast<HadoopConf> conf) {
        if (Arrays.asList(inputs.columns()).contains(COLUMN)) {
            return inputs;
        }
        StructType schema = inputs.schema().add(COLUMN, DataTypes.StringType, true);
        int uri = inputs.schema().fieldIndex("uri");
        return inputs.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row r = rows.next();
                Object[] values = new Object[r.length() + 1];
                for (int i = 0; i < r.length(); i++) {
                    values[i] = r.get(i);
                }
                values[r.length()] = ImageFiles.fingerprint(r.getString(uri), conf.value().get());
                return RowFactory.create(values);
            }
        }, Encoders.row(schema));
    }
}
