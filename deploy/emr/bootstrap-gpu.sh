#!/usr/bin/env bash
# EMR bootstrap action for GPU core/task nodes: the CUDA libtorch DJL loads and the GPU discovery script, at the
# paths conf/spark-defaults-gpu.conf and the step in gpu-segment-step.json use.
#   --bootstrap-actions Path=s3://example-artifacts/clearclip/bootstrap-gpu.sh,Args=[s3://example-artifacts/clearclip]
# ARG 1: the S3 prefix holding install-libtorch.sh and getGpusResources.sh (copied there from deploy/gpu/).
set -euo pipefail
prefix="${1:?usage: bootstrap-gpu.sh s3://bucket/prefix}"

sudo mkdir -p /opt/clearclip
aws s3 cp "$prefix/install-libtorch.sh" /tmp/install-libtorch.sh
aws s3 cp "$prefix/getGpusResources.sh" /tmp/getGpusResources.sh
sudo install -m 755 /tmp/getGpusResources.sh /opt/clearclip/getGpusResources.sh
# nodes without a GPU (the primary node) still get libtorch: the driver may run there in client mode
sudo bash /tmp/install-libtorch.sh cu128 2.7.1 /opt/libtorch
