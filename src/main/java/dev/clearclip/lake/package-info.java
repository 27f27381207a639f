/**
 * Iceberg lake tables: the {@code masks}, {@code class_stats} and {@code runs} tables in an Iceberg catalog (a Hadoop
 * catalog at a warehouse path, or the user's REST/Glue/Hive/JDBC catalog), one commit per wave with MERGE on the rerun
 * key, snapshot properties naming the run and wave, projected reads of the done keys, and table maintenance. Uses
 * Iceberg's Spark catalog, SQL extensions and actions; never the job or the command line.
 */
package dev.clearclip.lake;
