package dev.clearclip.spark;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.Iterator;

/**
 * Fills a null {@code source_fingerprint} of {@link InputRows} ({@link ImageFiles#fingerprint}) on the executors:
 * one metadata request per file, never on the driver. Listed files, shard samples and table rows come with theirs;
 * only manifest rows need this.
 */
public final class SourceFingerprints {

    private SourceFingerprints() {
    }

    public static Dataset<Row> fill(Dataset<Row> inputs, Broadcast<HadoopConf> conf) {
        return inputs.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row r = rows.next();
                if (!r.isNullAt(InputRows.FINGERPRINT) || !r.isNullAt(InputRows.IMAGE)
                        || !r.isNullAt(InputRows.READ_ERROR)) {
                    return r;
                }
                Object[] values = new Object[r.length()];
                for (int i = 0; i < r.length(); i++) {
                    values[i] = r.get(i);
                }
                values[InputRows.FINGERPRINT] = ImageFiles.fingerprint(r.getString(InputRows.URI), conf.value().get());
                return RowFactory.create(values);
            }
        }, Encoders.row(InputRows.SCHEMA));
    }
}
