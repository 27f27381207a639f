package dev.clearclip.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No docker engine here: the image definition is checked by structure against what the build produces. */
class DockerfileTest {

    static final String JOB_JAR_IN_IMAGE = "/opt/clearclip/clearclip-spark-job.jar";
    private static final Path DOCKER = Project.deploy().resolve("docker");

    @Test
    void baseImageIsSparksOwnOnJava17AtTheProjectsSparkVersion() {
        String base = argDefault("SPARK_IMAGE");
        assertTrue(base.startsWith("apache/spark:" + Project.pomProperty("spark.version") + "-scala"
                + Project.pomProperty("scala.binary.version") + "-java17"), base);
        assertTrue(instructions().contains("FROM ${SPARK_IMAGE} AS base"), "the runtime stages build on SPARK_IMAGE");
    }

    @Test
    void theJobJarTheBuildProducesLandsWhereTheManifestsLookForIt() {
        String jar = argDefault("JOB_JAR");
        assertTrue(jar.startsWith("target/") && Project.builtJars().contains(jar.substring("target/".length())),
                jar + " is none of " + Project.builtJars());
        assertTrue(instructions().contains("COPY ${JOB_JAR} " + JOB_JAR_IN_IMAGE), instructions().toString());
        // build-image.sh passes the jar of each flavor's build
        Matcher m = Pattern.compile("jar=target/(\\S+\\.jar)").matcher(Project.read(DOCKER.resolve("build-image.sh")));
        int jars = 0;
        while (m.find()) {
            jars++;
            assertTrue(Project.builtJars().contains(m.group(1)), m.group(1) + " is not built by pom.xml");
        }
        assertEquals(2, jars, "build-image.sh builds a cpu and a cu128 jar");
    }

    @Test
    void everyLibtorchFlavorHasAStageAndAJni() {
        List<String> lines = instructions();
        assertEquals("FROM libtorch-${LIBTORCH_FLAVOR}", lines.stream().filter(l -> l.startsWith("FROM")).reduce((a, b) -> b)
                .orElseThrow(), "the final stage is chosen by LIBTORCH_FLAVOR");
        for (String flavor : List.of("cpu", "cu128")) {
            assertTrue(lines.contains("FROM base AS libtorch-" + flavor), "no stage for " + flavor);
            assertTrue(Libtorch.jniExists(flavor), "pytorch-jni has no JNI for " + flavor);
        }
        String cuda = String.join("\n", lines);
        assertTrue(cuda.contains("PYTORCH_VERSION=" + Project.pomProperty("libtorch.version")), "PYTORCH_VERSION");
        assertTrue(cuda.contains("PYTORCH_FLAVOR=cu128"), "PYTORCH_FLAVOR");
        assertTrue(cuda.contains("install-libtorch.sh cu128 " + Project.pomProperty("libtorch.version")), cuda);
    }

    @Test
    void entrypointIsSparksKubernetesEntrypointRunAsTheSparkUser() {
        List<String> lines = instructions();
        assertEquals("ENTRYPOINT [\"/opt/entrypoint.sh\"]", lines.get(lines.size() - 1));
        assertEquals("USER 185", lines.stream().filter(l -> l.startsWith("USER")).reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void everyCopiedProjectFileExists() {
        int copies = 0;
        for (String line : instructions()) {
            if (line.startsWith("COPY ") && !line.contains("--from=") && !line.contains("${")) {
                String source = line.split("\\s+")[1];
                assertTrue(Files.exists(Project.root().resolve(source)), line + ": " + source + " is not in the project");
                copies++;
            }
        }
        assertTrue(copies >= 4, "expected COPY of the s3a pom, scripts and conf");
        assertTrue(instructions().contains("COPY deploy/gpu/getGpusResources.sh /opt/clearclip/getGpusResources.sh"));
    }

    @Test
    void s3aJarsMatchTheProjectsVersions() {
        String pom = Project.read(DOCKER.resolve("s3a-jars.pom.xml"));
        for (String property : List.of("hadoop.version", "aws.sdk.version", "spark.version", "scala.binary.version")) {
            assertTrue(pom.contains("<" + property + ">" + Project.pomProperty(property) + "</" + property + ">"),
                    "s3a-jars.pom.xml " + property + " differs from pom.xml (" + Project.pomProperty(property) + ")");
        }
    }

    /** Instructions with continuation lines joined and comments dropped. */
    static List<String> instructions() {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Project.read(DOCKER.resolve("Dockerfile")).split("\n")) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            out.add(current.toString().replaceAll("\\s+", " ").strip());
            current.setLength(0);
        }
        return out;
    }

    private static String argDefault(String name) {
        return instructions().stream().filter(l -> l.startsWith("ARG " + name + "=")).findFirst()
                .map(l -> l.substring(("ARG " + name + "=").length())).orElseThrow(() -> new AssertionError("no ARG " + name));
    }
}
