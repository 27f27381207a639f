"""Runs an Airflow DAG file against stand-in airflow/pendulum modules and prints, as JSON, every DAG and
SparkSubmitOperator it builds (keyword arguments as given), so a Java test can check them without Airflow installed.
usage: python3 run_dag_with_stubs.py DAG_FILE"""
import datetime
import json
import runpy
import sys
import types

dags, operators = [], []


class DAG:
    def __init__(self, dag_id, **kwargs):
        self.record = {"dag_id": dag_id, **{k: v for k, v in kwargs.items() if k != "default_args"}}
        dags.append(self.record)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# SparkSubmitOperator's parameters (apache-airflow-providers-apache-spark 4.x/5.x) and the BaseOperator ones we use:
# a misspelt keyword fails here as it would in Airflow
PARAMETERS = {
    "application", "conf", "conn_id", "files", "py_files", "archives", "driver_class_path", "jars", "java_class",
    "packages", "exclude_packages", "repositories", "total_executor_cores", "executor_cores", "executor_memory",
    "driver_memory", "keytab", "principal", "proxy_user", "name", "num_executors", "status_poll_interval",
    "application_args", "env_vars", "verbose", "spark_binary", "properties_file", "yarn_queue", "deploy_mode",
    "retries", "retry_delay", "execution_timeout", "pool", "queue", "trigger_rule", "owner",
}


class SparkSubmitOperator:
    def __init__(self, task_id, **kwargs):
        unknown = set(kwargs) - PARAMETERS
        if unknown:
            raise TypeError(f"SparkSubmitOperator {task_id}: unexpected keyword arguments {sorted(unknown)}")
        self.record = {"task_id": task_id, "dag_id": dags[-1]["dag_id"], "upstream": [], **kwargs}
        operators.append(self.record)

    def execute(self, context):
        code = self.record.get("simulated_exit")
        if code:
            raise AirflowException(f"Cannot execute: spark-submit. Error code is: {code}.")

    def __rshift__(self, other):
        other.record["upstream"].append(self.record["task_id"])
        return other


def module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


class AirflowException(Exception):
    pass


class AirflowFailException(AirflowException):
    pass


module("airflow", DAG=DAG)
module("airflow.exceptions", AirflowException=AirflowException, AirflowFailException=AirflowFailException)
for package in ("airflow.providers", "airflow.providers.apache", "airflow.providers.apache.spark",
                "airflow.providers.apache.spark.operators"):
    module(package)
module("airflow.providers.apache.spark.operators.spark_submit", SparkSubmitOperator=SparkSubmitOperator)
module("pendulum", datetime=lambda *a, tz=None: datetime.datetime(*a, tzinfo=datetime.timezone.utc),
       duration=lambda **kw: datetime.timedelta(**kw))

namespace = runpy.run_path(sys.argv[1])
# which exit statuses of segment fail for good (no retries) and which raise for Airflow to retry
outcomes = {}
if "SegmentOperator" in namespace:
    for code in range(1, 6):
        op = namespace["SegmentOperator"].__new__(namespace["SegmentOperator"])
        op.record = {"simulated_exit": code}
        try:
            op.execute({})
            outcomes[code] = "ok"
        except AirflowFailException:
            outcomes[code] = "final"
        except AirflowException:
            outcomes[code] = "retried"
print(json.dumps({"dags": dags, "operators": operators, "exit_outcomes": outcomes}, default=str))
