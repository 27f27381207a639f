#!/usr/bin/env bash
# Submits the segment job to a Spark cluster with spark-submit.
#   jobs/segment-submit.sh [--master URL] [--properties-file conf/spark-defaults-cpu-cluster.conf] -- SEGMENT ARGS...
# Everything after "--" goes to `clearclip segment` (see `jobs/clearclip segment --help`); e.g.
#   jobs/segment-submit.sh --master spark://head:7077 --properties-file conf/spark-defaults-gpu.conf -- \
#       --input s3a://bucket/images/ --recursive --output s3a://lake/clearclip --model /models/ViT-B-16 --preset voc21
# The job jar (target/clearclip-spark-job.jar, `mvn package`) carries DJL and libtorch; Spark/Hadoop/S3A come from
# the cluster. S3 credentials: the standard Hadoop/AWS providers (env, instance profile, conf/s3a.conf), never args.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
jar="${CLEARCLIP_JOB_JAR:-$here/target/clearclip-spark-job.jar}"
submit="${SPARK_HOME:+$SPARK_HOME/bin/}spark-submit"
master=""
props=""
while [[ $# -gt 0 && "$1" != "--" ]]; do
  case "$1" in
    --master) master="$2"; shift 2 ;;
    --properties-file) props="$2"; shift 2 ;;
    *) echo "segment-submit: unknown option $1 (put segment arguments after --)" >&2; exit 2 ;;
  esac
done
[[ "${1:-}" == "--" ]] && shift
if [[ ! -f "$jar" ]]; then
  echo "segment-submit: $jar not found: run mvn package (or set CLEARCLIP_JOB_JAR)" >&2
  exit 2
fi
args=(--class dev.clearclip.cli.SegmentSubmit)
[[ -n "$master" ]] && args+=(--master "$master")
[[ -n "$props" ]] && args+=(--properties-file "$props")
exec "$submit" "${args[@]}" "$jar" "$@"
