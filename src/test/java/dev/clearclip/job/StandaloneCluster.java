package dev.clearclip.job;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone cluster on 127.0.0.1 (one Master, two Workers) started from the Maven class path. Its
 * SPARK_HOME holds links to the Spark/Hadoop jars only, never DJL or our classes, so the submitted job jar must
 * carry them itself (a shading bug cannot hide behind the test class path).
 */
final class StandaloneCluster implements AutoCloseable {

    private static final List<String> NOT_SPARK = List.of("/ai/djl/", "/com/twelvemonkeys/", "/info/picocli/",
            "/org/junit/", "/org/opentest4j/", "/org/apiguardian/", "/net/java/dev/jna/", "/s3proxy",
            "/test-classes", "/classes");

    final Path home;
    final String masterUrl;
    final List<Process> workers = new ArrayList<>();
    private final Process master;
    private final Path logs;

    StandaloneCluster(Path dir, int workerCount, int coresPerWorker) throws IOException, InterruptedException {
        home = dir.resolve("spark-home");
        logs = Files.createDirectories(dir.resolve("logs"));
        Path jars = Files.createDirectories(home.resolve("jars"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar") && NOT_SPARK.stream().noneMatch(entry::contains)) {
                Path jar = Path.of(entry);
                Path link = jars.resolve(jar.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, jar);
                }
            }
        }
        int port = freePort();
        masterUrl = "spark://127.0.0.1:" + port;
        master = start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--webui-port", String.valueOf(freePort()));
        await(port, master, "master");
        for (int i = 0; i < workerCount; i++) {
            Path work = Files.createDirectories(dir.resolve("work-" + i));
            workers.add(start("worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", String.valueOf(coresPerWorker), "--memory", "1536m", "--webui-port",
                    String.valueOf(freePort()), "--work-dir", work.toString(), masterUrl));
        }
    }

    /** Environment every cluster process (and spark-submit) needs. */
    Map<String, String> environment() {
        return Map.of("SPARK_HOME", home.toString(), "SPARK_SCALA_VERSION", "2.13", "SPARK_LOCAL_IP", "127.0.0.1");
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
        return workers.stream().flatMap(Process::descendants)
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

    private Process start(String name, String main, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(main));
        all.addAll(List.of(args));
        return java(name, all).start();
    }

    private static void await(int port, Process p, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(300);
            }
        }
        throw new IllegalStateException(what + " did not start");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process w : workers) {
            w.descendants().forEach(ProcessHandle::destroyForcibly);
            w.destroy();
        }
        master.destroy();
        for (Process p : workers) {
            waitQuietly(p);
        }
        waitQuietly(master);
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // the surefire argLine's list (Spark's launcher list): these JVMs are not started by surefire
    private static final String OPENS = String.join(" ", "-XX:+IgnoreUnrecognizedVMOptions",
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
