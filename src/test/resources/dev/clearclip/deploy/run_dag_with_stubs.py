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

    def __rshift__(self, other):
        other.record["upstream"].append(self.record["task_id"])
        return other


def module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


module("airflow", DAG=DAG)
for package in ("airflow.providers", "airflow.providers.apache", "airflow.providers.apache.spark",
                "airflow.providers.apache.spark.operators"):
    module(package)
module("airflow.providers.apache.spark.operators.spark_submit", SparkSubmitOperator=SparkSubmitOperator)
module("pendulum", datetime=lambda *a, tz=None: datetime.datetime(*a, tzinfo=datetime.timezone.utc),
       duration=lambda **kw: datetime.timedelta(**kw))

runpy.run_path(sys.argv[1])
print(json.dumps({"dags": dags, "operators": operators}, default=str))
