package dev.clearclip.deploy;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KubernetesManifestsTest {

    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(secret|password|token|access[._-]?key|key[._-]?id|credential).*");

    @Test
    void everyYamlFileUnderDeployParses() {
        List<Path> files = Project.files(Project.deploy(), ".yaml", ".yml");
        assertTrue(files.size() >= 4, "expected the Kubernetes and Dataproc manifests, found " + files);
        for (Path file : files) {
            assertFalse(documents(file).isEmpty(), file + " holds no YAML document");
        }
    }

    @Test
    void sparkApplicationsRunTheProjectsJobWithValidSettings() {
        List<String> problems = new ArrayList<>();
        int apps = 0;
        for (Map<String, Object> doc : kubernetesDocuments()) {
            Map<String, Object> spec = applicationSpec(doc);
            if (spec == null) {
                continue;
            }
            apps++;
            String where = doc.get("kind") + " " + name(doc);
            Map<String, String> conf = strings(map(spec, "sparkConf"));
            Object executorCores = map(spec, "executor").get("cores");
            if (executorCores != null) {
                conf = new HashMap<>(conf);
                conf.put("spark.executor.cores", executorCores.toString());
            }
            problems.addAll(SubmissionChecks.problems(new Submission(where, (String) spec.get("mainClass"),
                    (String) spec.get("mainApplicationFile"), list(spec, "arguments"), conf)));
            assertEquals("local://" + DockerfileTest.JOB_JAR_IN_IMAGE, spec.get("mainApplicationFile"),
                    where + ": the jar must be where the image puts it");
            assertEquals(Project.pomProperty("spark.version"), String.valueOf(spec.get("sparkVersion")), where);
        }
        assertEquals(2, apps, "one SparkApplication and one ScheduledSparkApplication");
        assertEquals(List.of(), problems);
    }

    @Test
    void theScheduleIsDailyAndRunsNeverOverlap() {
        Map<String, Object> scheduled = kubernetesDocuments().stream()
                .filter(d -> "ScheduledSparkApplication".equals(d.get("kind"))).findFirst().orElseThrow();
        Map<String, Object> spec = map(scheduled, "spec");
        String[] cron = spec.get("schedule").toString().trim().split("\\s+");
        assertEquals(5, cron.length, "cron expression " + spec.get("schedule"));
        assertEquals(List.of("*", "*", "*"), List.of(cron[2], cron[3], cron[4]), "runs every day");
        assertEquals("Forbid", spec.get("concurrencyPolicy"));
        assertFalse(list(map(spec, "template"), "arguments").contains("--overwrite"),
                "the daily run is incremental: --overwrite would redo every image every day");
    }

    @Test
    void theCronJobRunsTheJobAndRetriesOnlyWhatARetryCanFix() {
        Map<String, Object> cron = kubernetesDocuments().stream().filter(d -> "CronJob".equals(d.get("kind")))
                .findFirst().orElseThrow();
        Map<String, Object> cronSpec = map(cron, "spec");
        assertEquals("Forbid", cronSpec.get("concurrencyPolicy"));
        Map<String, Object> job = map(map(cronSpec, "jobTemplate"), "spec");
        Map<String, Object> pod = map(map(job, "template"), "spec");
        assertEquals("Never", pod.get("restartPolicy"), "podFailurePolicy needs restartPolicy Never");
        List<Map<String, Object>> rules = list(map(job, "podFailurePolicy"), "rules");
        Map<String, Object> failJob = rules.stream().filter(r -> "FailJob".equals(r.get("action"))).findFirst()
                .orElseThrow();
        Map<String, Object> codes = map(failJob, "onExitCodes");
        assertEquals("In", codes.get("operator"));
        // the exit statuses SegmentJob defines: budget, refused and lease held end the Job; an error stopping the
        // run is retried
        assertEquals(List.of(dev.clearclip.job.SegmentJob.RUN_FAILED, dev.clearclip.job.SegmentJob.REFUSED,
                dev.clearclip.job.SegmentJob.LEASE_HELD), list(codes, "values"));
        assertFalse(list(codes, "values").contains(dev.clearclip.job.SegmentJob.RUN_ERROR));
        assertTrue(((Number) job.get("backoffLimit")).intValue() >= 1, "exit 4 is retried");

        List<Map<String, Object>> containers = list(pod, "containers");
        assertEquals(1, containers.size());
        Map<String, Object> driver = containers.get(0);
        assertEquals(codes.get("containerName"), driver.get("name"));
        assertEquals(List.of("/opt/spark/bin/spark-submit"), list(driver, "command"));
        List<String> args = list(driver, "args");
        assertEquals("client", args.get(args.indexOf("--deploy-mode") + 1), "the driver's exit status is the pod's");
        Submission s = Submission.fromSparkSubmit("CronJob " + name(cron), args);
        assertEquals("local://" + DockerfileTest.JOB_JAR_IN_IMAGE, s.jar());
        Map<String, String> nonKubernetes = new LinkedHashMap<>();
        s.conf().forEach((k, v) -> {
            if (!k.startsWith("spark.kubernetes.")) {
                nonKubernetes.put(k, v);
            }
        });
        assertEquals(List.of(), SubmissionChecks.problems(new Submission(s.where(), s.mainClass(), s.jar(), s.args(),
                nonKubernetes)));
        assertFalse(s.args().contains("--overwrite"), "the daily run is incremental");
    }

    @Test
    void credentialsComeFromSecretsNeverInline() {
        for (Map<String, Object> doc : kubernetesDocuments()) {
            Map<String, Object> spec = applicationSpec(doc);
            if (spec == null) {
                continue;
            }
            for (String key : strings(map(spec, "sparkConf")).keySet()) {
                assertFalse(SECRET_NAME.matcher(key).matches() && !key.endsWith("credentials.provider"),
                        name(doc) + ": sparkConf " + key + " looks like a credential");
            }
            for (String role : List.of("driver", "executor")) {
                List<Map<String, Object>> env = list(map(spec, role), "env");
                assertFalse(env.isEmpty(), name(doc) + " " + role + " gets no S3 credentials");
                for (Map<String, Object> variable : env) {
                    if (SECRET_NAME.matcher(variable.get("name").toString()).matches()) {
                        assertFalse(variable.containsKey("value"), name(doc) + ": inline " + variable.get("name"));
                        assertTrue(map(map(variable, "valueFrom"), "secretKeyRef").containsKey("name"),
                                name(doc) + ": " + variable.get("name") + " must come from a secretKeyRef");
                    }
                }
            }
        }
    }

    static List<Map<String, Object>> kubernetesDocuments() {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Path file : Project.files(Project.deploy().resolve("kubernetes"), ".yaml")) {
            docs.addAll(documents(file));
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(Path file) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(Project.read(file))) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    private static Map<String, Object> applicationSpec(Map<String, Object> doc) {
        return switch (String.valueOf(doc.get("kind"))) {
            case "SparkApplication" -> map(doc, "spec");
            case "ScheduledSparkApplication" -> map(map(doc, "spec"), "template");
            default -> null;
        };
    }

    private static String name(Map<String, Object> doc) {
        return String.valueOf(map(doc, "metadata").get("name"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static <T> List<T> list(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        return value == null ? List.of() : (List<T>) value;
    }

    static Map<String, String> strings(Map<String, Object> map) {
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }
}
