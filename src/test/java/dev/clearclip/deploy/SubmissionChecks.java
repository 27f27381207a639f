package dev.clearclip.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What must hold for any launch an example describes, so that it still runs against the current project. */
final class SubmissionChecks {

    private SubmissionChecks() {
    }

    static List<String> problems(Submission s) {
        List<String> problems = new ArrayList<>();
        if (s.mainClass() == null || !Project.classExists(s.mainClass())) {
            problems.add(s.where() + ": main class " + s.mainClass() + " is not in src/main/java");
        }
        if (!Project.builtJars().contains(s.jarFileName())) {
            problems.add(s.where() + ": jar " + s.jar() + " is none the build produces " + Project.builtJars());
        }
        problems.addAll(argumentProblems(s.where(), s.args()));
        problems.addAll(confProblems(s.where(), s.conf()));
        return problems;
    }

    static List<String> argumentProblems(String where, List<String> args) {
        List<String> problems = new ArrayList<>();
        if (args.isEmpty() || !Project.SUBCOMMANDS.contains(args.get(0))) {
            problems.add(where + ": arguments must start with a subcommand " + Project.SUBCOMMANDS + ", got " + args);
            return problems;
        }
        if (!Project.declaredCommands().contains(args.get(0))) {
            problems.add(where + ": no @Command(name = \"" + args.get(0) + "\") in src/main/java");
        }
        for (String arg : args) {
            if (arg.startsWith("--") && !Project.declaredFlags().contains(arg)) {
                problems.add(where + ": option " + arg + " is declared by no @Option in src/main/java");
            }
        }
        return problems;
    }

    static List<String> confProblems(String where, Map<String, String> conf) {
        List<String> problems = new ArrayList<>();
        conf.forEach((key, value) -> {
            String problem = ConfKeys.sparkProblem(key);
            if (problem != null) {
                problems.add(where + ": " + problem);
            }
            if (key.endsWith("PYTORCH_VERSION") && !value.equals(Project.pomProperty("libtorch.version"))) {
                problems.add(where + ": " + key + "=" + value + " but the job jar's JNI is for libtorch "
                        + Project.pomProperty("libtorch.version"));
            }
            if (key.endsWith("PYTORCH_FLAVOR") && !Libtorch.jniExists(value)) {
                problems.add(where + ": " + key + "=" + value + " has no DJL JNI in pytorch-jni");
            }
            if (key.endsWith(".discoveryScript")) {
                String name = value.substring(value.lastIndexOf('/') + 1);
                if (!Project.providedFile(name)) {
                    problems.add(where + ": discovery script " + value + " is not shipped in deploy/");
                }
            }
        });
        problems.addAll(gpuSlotProblems(where, conf));
        return problems;
    }

    /** Executor cores must equal the task slots the GPU amounts allow, or either CPUs or GPU shares sit idle. */
    private static List<String> gpuSlotProblems(String where, Map<String, String> conf) {
        String executorGpus = conf.get("spark.executor.resource.gpu.amount");
        String taskGpus = conf.get("spark.task.resource.gpu.amount");
        String cores = conf.get("spark.executor.cores");
        if (executorGpus == null || taskGpus == null || cores == null) {
            return List.of();
        }
        long slots = Math.round(Double.parseDouble(executorGpus) / Double.parseDouble(taskGpus));
        int taskCpus = Integer.parseInt(conf.getOrDefault("spark.task.cpus", "1"));
        if (slots * taskCpus != Integer.parseInt(cores)) {
            return List.of(where + ": " + slots + " GPU task slots per executor but spark.executor.cores=" + cores);
        }
        return List.of();
    }
}
