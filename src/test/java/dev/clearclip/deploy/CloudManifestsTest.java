package dev.clearclip.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.clearclip.deploy.KubernetesManifestsTest.list;
import static dev.clearclip.deploy.KubernetesManifestsTest.map;
import static dev.clearclip.deploy.KubernetesManifestsTest.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EMR steps and configurations, the Dataproc workflow template and submit script. */
class CloudManifestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SCRIPT_OR_JAR = Pattern.compile("[\\w./:-]*?([\\w.-]+\\.(?:sh|jar))\\b");

    @Test
    void everyJsonFileUnderDeployParses() throws IOException {
        List<Path> files = Project.files(Project.deploy(), ".json");
        assertTrue(files.size() >= 3, "expected the EMR steps and configurations, found " + files);
        for (Path file : files) {
            JSON.readTree(file.toFile());
        }
    }

    @Test
    void emrStepsRunTheProjectsJob() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : Project.files(Project.deploy().resolve("emr"), "step.json")) {
            for (Map<String, Object> step : JSON.readValue(file.toFile(), new TypeReference<List<Map<String, Object>>>() { })) {
                assertEquals("command-runner.jar", step.get("Jar"), file + ": EMR runs spark-submit via command-runner");
                problems.addAll(SubmissionChecks.problems(
                        Submission.fromSparkSubmit(file.getFileName() + " " + step.get("Name"), list(step, "Args"))));
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void emrGpuConfigurationsUseRealYarnAndSparkKeys() throws IOException {
        Path file = Project.deploy().resolve("emr/configurations-gpu.json");
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> c : JSON.readValue(file.toFile(), new TypeReference<List<Map<String, Object>>>() { })) {
            Map<String, String> properties = strings(map(c, "Properties"));
            switch (c.get("Classification").toString()) {
                case "spark-defaults" -> problems.addAll(SubmissionChecks.confProblems("EMR spark-defaults", properties));
                case "yarn-site" -> properties.keySet().stream().filter(k -> !ConfKeys.yarnKey(k))
                        .forEach(k -> problems.add("EMR yarn-site: " + k + " is not a YarnConfiguration key"));
                default -> { }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void dataprocWorkflowRunsTheProjectsJob() {
        Path file = Project.deploy().resolve("dataproc/workflow-template.yaml");
        Map<String, Object> template = KubernetesManifestsTest.documents(file).get(0);
        Map<String, Object> config = map(map(map(template, "placement"), "managedCluster"), "config");
        Map<String, String> conf = new LinkedHashMap<>();
        strings(map(map(config, "softwareConfig"), "properties")).forEach((key, value) -> {
            assertTrue(key.startsWith("spark:"), key + ": only Spark properties are set");
            conf.put(key.substring("spark:".length()), value);
        });
        List<String> problems = new ArrayList<>(SubmissionChecks.confProblems("Dataproc properties", conf));
        for (Map<String, Object> job : KubernetesManifestsTest.<Map<String, Object>>list(template, "jobs")) {
            Map<String, Object> spark = map(job, "sparkJob");
            List<String> jars = list(spark, "jarFileUris");
            assertEquals(1, jars.size(), "one job jar");
            problems.addAll(SubmissionChecks.problems(new Submission("Dataproc " + job.get("stepId"),
                    (String) spark.get("mainClass"), jars.get(0), list(spark, "args"), Map.of())));
        }
        for (Map<String, Object> action : KubernetesManifestsTest.<Map<String, Object>>list(config, "initializationActions")) {
            String script = action.get("executableFile").toString();
            assertTrue(Project.providedFile(script.substring(script.lastIndexOf('/') + 1)), script);
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void dataprocSubmitScriptRunsTheProjectsJob() {
        String script = Project.read(Project.deploy().resolve("dataproc/submit-segment.sh"));
        Matcher mainClass = Pattern.compile("--class=(\\S+)").matcher(script);
        Matcher jar = Pattern.compile("--jars=(\\S+)").matcher(script);
        assertTrue(mainClass.find() && jar.find(), "the script names --class and --jars");
        String jobArgs = script.substring(script.indexOf("-- segment") + 3).replace("\\\n", " ");
        List<String> args = List.of(jobArgs.replaceAll("\"[^\"]*\"", "VALUE").trim().split("\\s+"));
        List<String> problems = new ArrayList<>(SubmissionChecks.problems(
                new Submission("submit-segment.sh", mainClass.group(1), jar.group(1), args, Map.of())));
        assertEquals(List.of(), problems);
    }

    @Test
    void everyScriptAndJarTheExamplesNameExists() {
        List<String> missing = new ArrayList<>();
        for (Path file : Project.files(Project.deploy(), ".json", ".yaml", ".sh", ".py", "Dockerfile")) {
            Matcher m = SCRIPT_OR_JAR.matcher(Project.read(file));
            while (m.find()) {
                String name = m.group(1);
                boolean inImage = name.equals("entrypoint.sh"); // Spark's, inside apache/spark
                if (!inImage && !Project.providedFile(name)) {
                    missing.add(Project.root().relativize(file) + " names " + m.group());
                }
            }
        }
        assertEquals(List.of(), missing);
    }
}
