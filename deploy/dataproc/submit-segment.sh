#!/usr/bin/env bash
# Submits `segment` to an existing Dataproc cluster (created with the initialization actions of
# workflow-template.yaml), e.g. for a one-off backfill.
#   deploy/dataproc/submit-segment.sh CLUSTER REGION INPUT_URI OUTPUT_URI
set -euo pipefail
cluster="${1:?usage: submit-segment.sh CLUSTER REGION INPUT_URI OUTPUT_URI}"
region="${2:?usage: submit-segment.sh CLUSTER REGION INPUT_URI OUTPUT_URI}"
input="${3:?usage: submit-segment.sh CLUSTER REGION INPUT_URI OUTPUT_URI}"
output="${4:?usage: submit-segment.sh CLUSTER REGION INPUT_URI OUTPUT_URI}"

gcloud dataproc jobs submit spark \
  --cluster="$cluster" --region="$region" \
  --class=dev.clearclip.cli.Main \
  --jars=gs://example-artifacts/clearclip/clearclip-spark-job-spark35.jar \
  --properties=spark.executor.resource.gpu.amount=1,spark.task.resource.gpu.amount=0.125,spark.executor.cores=8 \
  -- segment --input "$input" --recursive --output "$output" \
     --model /opt/clearclip/models/clip-vit-base-patch16 --preset coco-stuff --device gpu --max-error-rate 0.01
