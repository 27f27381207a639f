package dev.clearclip.lake;

import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

import java.util.List;

/**
 * How a new table is laid out: optionally partitioned by the day of a timestamp column and by a hash bucket of a key
 * column, and sorted by columns within each data file. Column names are parameters, so the job's schema can change
 * without this package knowing its columns; they are checked against the schema in {@link #spec} and {@link #order}.
 *
 * @param dayColumn    timestamp or date column partitioned by {@code days(...)}, or null
 * @param bucketColumn column partitioned by {@code bucket(buckets, ...)}, or null
 * @param buckets      number of hash buckets (1 to 4096) when {@code bucketColumn} is set, else 0
 * @param sortColumns  columns each data file is sorted by (ascending), possibly none
 */
public record TableLayout(String dayColumn, String bucketColumn, int buckets, List<String> sortColumns) {

    public TableLayout {
        sortColumns = List.copyOf(sortColumns);
        if (bucketColumn == null ? buckets != 0 : buckets < 1 || buckets > 4096) {
            throw new IllegalArgumentException("table layout: " + buckets + " buckets"
                    + (bucketColumn == null ? " without a bucket column" : "; give 1 to 4096"));
        }
    }

    /** No partitions, no sort order (class_stats, runs). */
    public static TableLayout plain() {
        return new TableLayout(null, null, 0, List.of());
    }

    /** {@code masks}: {@code days(dayColumn)}, {@code bucket(buckets, keyColumn)}, sorted by the key in each file. */
    public static TableLayout byDayAndKey(String dayColumn, String keyColumn, int buckets) {
        return new TableLayout(dayColumn, keyColumn, buckets, List.of(keyColumn));
    }

    PartitionSpec spec(Schema schema) {
        PartitionSpec.Builder spec = PartitionSpec.builderFor(schema);
        if (dayColumn != null) {
            Type type = column(schema, dayColumn).type();
            if (type.typeId() != Type.TypeID.TIMESTAMP && type.typeId() != Type.TypeID.DATE) {
                throw new IllegalArgumentException("table layout: day column '" + dayColumn + "' is " + type
                        + ", not a timestamp or date");
            }
            spec.day(dayColumn);
        }
        if (bucketColumn != null) {
            column(schema, bucketColumn);
            spec.bucket(bucketColumn, buckets);
        }
        return spec.build();
    }

    SortOrder order(Schema schema) {
        if (sortColumns.isEmpty()) {
            return SortOrder.unsorted();
        }
        SortOrder.Builder order = SortOrder.builderFor(schema);
        for (String c : sortColumns) {
            column(schema, c);
            order.asc(c);
        }
        return order.build();
    }

    private static Types.NestedField column(Schema schema, String name) {
        Types.NestedField f = schema.findField(name);
        if (f == null) {
            throw new IllegalArgumentException("table layout: no column '" + name + "' in the table's schema "
                    + schema.columns().stream().map(Types.NestedField::name).toList());
        }
        return f;
    }
}
