#!/usr/bin/env bash
# One command for an image: builds the job jar for the flavor, then the Spark-on-Kubernetes image.
#   deploy/docker/build-image.sh cpu|cu128 [TAG]
# cu128 uses the `gpu` Maven profile (no CPU libtorch in the jar) and installs the CUDA libtorch in the image.
set -euo pipefail

flavor="${1:?usage: build-image.sh cpu|cu128 [TAG]}"
tag="${2:-clearclip-spark:0.1.0-${flavor}}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

case "$flavor" in
  cpu)   mvn -q -DskipTests package;       jar=target/clearclip-spark-job.jar ;;
  cu128) mvn -q -Pgpu -DskipTests package; jar=target/clearclip-spark-job-gpu.jar ;;
  *) echo "build-image.sh: unknown flavor '$flavor': expected cpu or cu128" >&2; exit 2 ;;
esac

DOCKER_BUILDKIT=1 docker build -f deploy/docker/Dockerfile \
  --build-arg LIBTORCH_FLAVOR="$flavor" --build-arg JOB_JAR="$jar" \
  ${LIBTORCH_SHA256:+--build-arg LIBTORCH_SHA256="$LIBTORCH_SHA256"} \
  -t "$tag" .
echo "built $tag from $jar"
