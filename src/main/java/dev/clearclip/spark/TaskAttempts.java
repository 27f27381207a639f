package dev.clearclip.spark;

import org.apache.spark.SparkContext;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many attempts Spark gives each task, read on the driver: {@code local[N]} builds its scheduler with one
 * attempt per task and {@code local[N,F]} with F, whatever {@code spark.task.maxFailures} says; clusters use the
 * setting. A transient failure fails its task while another attempt is left, and becomes a retryable error row on
 * the last one.
 */
public final class TaskAttempts {

    /** The embedded master {@code segment} uses when none is given: every core, and four attempts per task. */
    public static final String DEFAULT_LOCAL_MASTER = "local[*,4]";

    private static final Pattern LOCAL_WITH_FAILURES = Pattern.compile("local\\[\\s*(?:\\d+|\\*)\\s*,\\s*(\\d+)\\s*]");

    private TaskAttempts() {
    }

    public static int of(SparkContext sc) {
        return of(sc.master(), sc.getConf().getInt("spark.task.maxFailures", 4));
    }

    static int of(String master, int maxFailures) {
        Matcher m = LOCAL_WITH_FAILURES.matcher(master.strip());
        if (m.matches()) {
            return Math.max(1, Integer.parseInt(m.group(1)));
        }
        if (master.equals("local") || master.startsWith("local[")) {
            return 1;
        }
        return Math.max(1, maxFailures);
    }
}
