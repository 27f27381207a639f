"""ClearCLIP on a schedule (Airflow 2.4+ with apache-airflow-providers-apache-spark).

clearclip_daily_annotation: segments one date partition of the image lake per day (images/dt=YYYY-MM-DD/) into the
    shared output tables. Reruns and backfills are safe: images that already have a row are skipped by `segment`.
clearclip_weekly_evaluation: re-segments a labelled validation set with the current model and settings, then
    computes mIoU with `evaluate`, one metrics folder per week, to catch regressions (model, vocabulary, settings).

Connection `spark_default` points at the cluster (YARN, Kubernetes or standalone master). The Spark settings come
from conf/spark-defaults-gpu.conf (or the cluster's defaults); S3 credentials from the cluster's provider chain
(instance profile, IRSA, Secret-filled environment), never from this file.
"""

import re

import pendulum
from airflow import DAG
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JOB_JAR = "/opt/clearclip/clearclip-spark-job.jar"
MAIN_CLASS = "dev.clearclip.cli.Main"
MODEL = "/models/clip-vit-base-patch16"
IMAGES = "s3a://example-images"
LAKE = "s3a://example-lake"

GPU_CONF = {
    "spark.executor.resource.gpu.amount": "1",
    "spark.task.resource.gpu.amount": "0.125",
    "spark.executor.cores": "8",
    "spark.executor.resource.gpu.discoveryScript": "/opt/clearclip/getGpusResources.sh",
    "spark.executor.memory": "24g",
    "spark.executor.memoryOverhead": "8g",
    "spark.executor.extraJavaOptions": "-Dai.djl.offline=true",
}

# segment's exit statuses that a retry cannot change: 1 = over --max-error-rate (counted over the table, so a retry
# fails again), 2 = refused settings, 3 = another live run holds the output's lease. 4 (an outage) is retried.
FINAL_EXIT_CODES = {"1", "2", "3"}


class SegmentOperator(SparkSubmitOperator):
    """spark-submit of `segment` (client mode, so spark-submit exits with the driver's status) that fails for good,
    without Airflow's retries, on the statuses a retry cannot change."""

    def execute(self, context):
        try:
            return super().execute(context)
        except AirflowException as e:
            code = re.search(r"Error code is: (\d+)", str(e))
            if code and code.group(1) in FINAL_EXIT_CODES:
                raise AirflowFailException(f"segment exited {code.group(1)}, which a retry cannot change: {e}") from e
            raise


DEFAULT_ARGS = {
    "owner": "clearclip",
    "retries": 2,
    "retry_delay": pendulum.duration(minutes=15),
}

with DAG(
    dag_id="clearclip_daily_annotation",
    schedule="@daily",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=True,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["clearclip"],
) as daily:
    SegmentOperator(
        task_id="segment_partition",
        conn_id="spark_default",
        application=JOB_JAR,
        java_class=MAIN_CLASS,
        name="clearclip-segment-{{ ds }}",
        conf=GPU_CONF,
        application_args=[
            "segment",
            "--input", IMAGES + "/dt={{ ds }}/",
            "--recursive",
            "--output", LAKE + "/clearclip/",
            "--model", MODEL,
            "--preset", "coco-stuff",
            "--device", "auto",
            "--max-error-rate", "0.01",
        ],
    )

with DAG(
    dag_id="clearclip_weekly_evaluation",
    schedule="@weekly",
    start_date=pendulum.datetime(2025, 1, 5, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["clearclip"],
) as weekly:
    predictions = LAKE + "/clearclip-eval/{{ ds }}/"

    segment_validation = SegmentOperator(
        task_id="segment_validation_set",
        conn_id="spark_default",
        application=JOB_JAR,
        java_class=MAIN_CLASS,
        name="clearclip-eval-segment-{{ ds }}",
        conf=GPU_CONF,
        application_args=[
            "segment",
            "--input", "s3a://example-benchmarks/voc2012-val/JPEGImages/",
            "--output", predictions,
            "--model", MODEL,
            "--preset", "voc21",
            "--device", "auto",
            "--overwrite",
        ],
    )

    evaluate = SparkSubmitOperator(
        task_id="evaluate",
        conn_id="spark_default",
        application=JOB_JAR,
        java_class=MAIN_CLASS,
        name="clearclip-evaluate-{{ ds }}",
        application_args=[
            "evaluate",
            "--predictions", predictions,
            "--ground-truth", "s3a://example-benchmarks/voc2012-val/SegmentationClass/",
            "--layout", "voc21",
            "--out", LAKE + "/clearclip-metrics/{{ ds }}/",
        ],
    )

    segment_validation >> evaluate
