package dev.clearclip.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One job launch an example describes, whatever its format: main class, job jar (path or URI), the job's own
 * arguments and the Spark settings it passes.
 */
record Submission(String where, String mainClass, String jar, List<String> args, Map<String, String> conf) {

    Submission {
        args = List.copyOf(args);
        conf = Map.copyOf(conf);
    }

    /** From spark-submit's own argument list ({@code --class C --conf k=v ... JAR ARGS...}). */
    static Submission fromSparkSubmit(String where, List<String> sparkSubmitArgs) {
        String mainClass = null;
        Map<String, String> conf = new LinkedHashMap<>();
        int i = sparkSubmitArgs.isEmpty() || !sparkSubmitArgs.get(0).equals("spark-submit") ? 0 : 1;
        for (; i < sparkSubmitArgs.size() && sparkSubmitArgs.get(i).startsWith("--"); i += 2) {
            String option = sparkSubmitArgs.get(i);
            String value = sparkSubmitArgs.get(i + 1);
            if (option.equals("--class")) {
                mainClass = value;
            } else if (option.equals("--conf")) {
                int eq = value.indexOf('=');
                conf.put(value.substring(0, eq), value.substring(eq + 1));
            }
        }
        if (i >= sparkSubmitArgs.size()) {
            throw new AssertionError(where + ": spark-submit arguments name no application jar");
        }
        String jar = sparkSubmitArgs.get(i);
        return new Submission(where, mainClass, jar, new ArrayList<>(sparkSubmitArgs.subList(i + 1, sparkSubmitArgs.size())),
                conf);
    }

    String jarFileName() {
        return jar.substring(jar.lastIndexOf('/') + 1);
    }
}
