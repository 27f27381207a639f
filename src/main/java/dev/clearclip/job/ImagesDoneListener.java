package dev.clearclip.job;

import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Images done so far, running tasks included: a finished task's count is in the accumulator, a running task's
 * latest count arrives with its executor's heartbeat ({@code spark.executor.heartbeatInterval}), so a run of a
 * few large tasks shows progress before the first one ends.
 */
final class ImagesDoneListener extends SparkListener {

    private final LongAccumulator done;
    private final Map<Long, Long> running = new ConcurrentHashMap<>();

    ImagesDoneListener(LongAccumulator done) {
        this.done = done;
    }

    long imagesDone() {
        long sum = done.value();
        for (long v : running.values()) {
            sum += v;
        }
        return sum;
    }

    // JavaConverters (deprecated in 2.13) is the converter both Scala 2.12 (-Pspark35) and 2.13 have
    @SuppressWarnings("deprecation")
    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        // the Seq types differ between Scala 2.12 and 2.13, hence the casts
        for (Object entry : scala.collection.JavaConverters.seqAsJavaList(update.accumUpdates())) {
            Tuple4<?, ?, ?, ?> task = (Tuple4<?, ?, ?, ?>) entry;
            @SuppressWarnings("unchecked")
            scala.collection.Seq<AccumulableInfo> infos = (scala.collection.Seq<AccumulableInfo>) task._4();
            for (AccumulableInfo info : scala.collection.JavaConverters.seqAsJavaList(infos)) {
                if (info.id() == done.id() && info.update().isDefined()) {
                    running.put((Long) task._1(), ((Number) info.update().get()).longValue());
                }
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        running.remove(end.taskInfo().taskId()); // its final count is in the accumulator now (if it succeeded)
    }
}
