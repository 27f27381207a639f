package dev.clearclip.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DAG file compiles, and run against stand-in Airflow modules, builds the two schedules with valid launches. */
class AirflowDagTest {

    private static final Path DAG = Project.deploy().resolve("airflow/clearclip_dags.py");

    @Test
    void dagFileCompiles() throws Exception {
        Result r = python("-m", "py_compile", DAG.toString());
        assertEquals(0, r.exit(), r.output());
    }

    @Test
    void dailyAnnotationReadsOneDatePartitionIncrementally() throws Exception {
        JsonNode built = build();
        assertEquals("@daily", dag(built, "clearclip_daily_annotation").get("schedule").asText());
        assertEquals(1, dag(built, "clearclip_daily_annotation").get("max_active_runs").asInt());
        JsonNode segment = operator(built, "segment_partition");
        List<String> args = texts(segment.get("application_args"));
        String input = args.get(args.indexOf("--input") + 1);
        assertTrue(input.contains("{{ ds }}"), "the input is the run date's partition: " + input);
        assertTrue(!args.contains("--overwrite"), "daily runs are incremental");
    }

    @Test
    void segmentsBudgetRefusalAndLeaseExitsFailForGoodAndAnOutageIsRetried() throws Exception {
        JsonNode outcomes = build().get("exit_outcomes");
        assertEquals("final", outcomes.get("1").asText(), "over the error budget: a retry fails again");
        assertEquals("final", outcomes.get("3").asText(), "another run holds the lease");
        assertEquals("retried", outcomes.get("4").asText(), "an error stopped the run: a rerun continues");
    }

    @Test
    void weeklyEvaluationSegmentsThenEvaluatesTheSamePredictions() throws Exception {
        JsonNode built = build();
        assertEquals("@weekly", dag(built, "clearclip_weekly_evaluation").get("schedule").asText());
        List<String> segment = texts(operator(built, "segment_validation_set").get("application_args"));
        List<String> evaluate = texts(operator(built, "evaluate").get("application_args"));
        assertEquals(segment.get(segment.indexOf("--output") + 1), evaluate.get(evaluate.indexOf("--predictions") + 1));
        assertEquals(List.of("segment_validation_set"), texts(operator(built, "evaluate").get("upstream")));
    }

    @Test
    void everyLaunchRunsTheProjectsJobWithValidSettings() throws Exception {
        List<String> problems = new ArrayList<>();
        for (JsonNode op : build().get("operators")) {
            Map<String, String> conf = new LinkedHashMap<>();
            if (op.has("conf")) {
                op.get("conf").fields().forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
            }
            problems.addAll(SubmissionChecks.problems(new Submission("DAG task " + op.get("task_id").asText(),
                    op.get("java_class").asText(), op.get("application").asText(),
                    texts(op.get("application_args")), conf)));
            assertEquals(DockerfileTest.JOB_JAR_IN_IMAGE, op.get("application").asText(),
                    "the DAG submits the jar where the image puts it");
        }
        assertEquals(List.of(), problems);
    }

    private static JsonNode build() throws Exception {
        Path runner = Path.of(AirflowDagTest.class.getResource("run_dag_with_stubs.py").toURI());
        Result r = python(runner.toString(), DAG.toString());
        assertEquals(0, r.exit(), r.output());
        return new ObjectMapper().readTree(r.output());
    }

    private static JsonNode dag(JsonNode built, String id) {
        for (JsonNode d : built.get("dags")) {
            if (d.get("dag_id").asText().equals(id)) {
                return d;
            }
        }
        throw new AssertionError("no DAG " + id + " in " + built.get("dags"));
    }

    private static JsonNode operator(JsonNode built, String taskId) {
        for (JsonNode op : built.get("operators")) {
            if (op.get("task_id").asText().equals(taskId)) {
                return op;
            }
        }
        throw new AssertionError("no task " + taskId);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    record Result(int exit, String output) {
    }

    static Result python(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // keep __pycache__ out of deploy/
        builder.environment().put("PYTHONPYCACHEPREFIX", Project.root().resolve("target/pycache").toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python3 " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), out);
    }
}
