package dev.clearclip.job;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark standalone cluster on 127.0.0.1 (one Master, two Workers) started and stopped by
 * deploy/local-cluster/start.sh and stop.sh, so this test exercises the scripts users run. Its SPARK_HOME holds
 * links to the Spark/Hadoop jars of target/classpath.txt only, never DJL or our classes, so the submitted job jar
 * must carry them itself (a shading bug cannot hide behind the test class path).
 */
final class StandaloneCluster implements AutoCloseable {

    private static final Path SCRIPTS = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .resolve("deploy/local-cluster").toAbsolutePath();
    private static final Pattern EXPORT = Pattern.compile("export (\\w+)='?([^']*)'?");

    final Path home;
    final String masterUrl;
    /** The worker JVMs (from the script's pid files): executors are their descendants. */
    final List<ProcessHandle> workers = new ArrayList<>();
    private final Path state;
    private final Path logs;
    private final Map<String, String> environment = new HashMap<>();

    StandaloneCluster(Path dir, int workerCount, int coresPerWorker) throws IOException, InterruptedException {
        state = dir.toAbsolutePath();
        logs = Files.createDirectories(state.resolve("logs"));
        Path classPath = SCRIPTS.resolve("../../target/classpath.txt").normalize();
        script("start", "--state", state.toString(), "--classpath", classPath.toString(),
                "--workers", String.valueOf(workerCount), "--cores", String.valueOf(coresPerWorker),
                "--memory", "1536m", "--timeout-s", "300");
        home = state.resolve("spark-home");
        masterUrl = Files.readString(state.resolve("master-url")).strip();
        for (int i = 0; i < workerCount; i++) {
            long pid = Long.parseLong(Files.readString(state.resolve("worker-" + i + ".pid")).strip());
            workers.add(ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("worker pid " + pid)));
        }
        for (String line : Files.readAllLines(state.resolve("env"))) {
            Matcher m = EXPORT.matcher(line);
            if (m.matches()) {
                environment.put(m.group(1), m.group(2));
            }
        }
    }

    private void script(String name, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPTS.resolve(name + ".sh").toString()));
        command.addAll(List.of(args));
        Path log = logs.resolve(name + ".sh.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(6, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(name + ".sh did not finish: " + Files.readString(log));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(name + ".sh failed (" + p.exitValue() + "): " + Files.readString(log));
        }
    }

    /** Environment every cluster process (and spark-submit) needs. */
    Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    String classPath() {
        return home.resolve("jars") + File.separator + "*";
    }

    /** A JVM on the cluster's class path with Spark's module flags. */
    ProcessBuilder java(String logName, List<String> mainAndArgs) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx768m"));
        command.addAll(List.of(OPENS.split(" ")));
        command.addAll(List.of("-cp", classPath()));
        command.addAll(mainAndArgs);
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logs.resolve(logName + ".log").toFile());
        b.environment().putAll(environment());
        return b;
    }

    Path log(String name) {
        return logs.resolve(name + ".log");
    }

    /** Executor JVMs the workers launched (descendants of our worker processes only). */
    List<ProcessHandle> executors() {
        return workers.stream().flatMap(ProcessHandle::descendants)
                .filter(p -> commandLine(p).contains("CoarseGrainedExecutorBackend")).toList();
    }

    /** From /proc: ProcessHandle.Info drops command lines as long as a Spark class path. */
    static String commandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            script("stop", "--state", state.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // the surefire argLine's list (Spark's launcher list): these JVMs are not started by surefire
    static final String OPENS = String.join(" ", "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");
}
