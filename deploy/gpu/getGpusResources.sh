#!/usr/bin/env bash
# Spark GPU discovery script (spark.{driver,executor}.resource.gpu.discoveryScript).
# Prints the resource JSON Spark expects: {"name":"gpu","addresses":["0","1",...]}.
# Addresses are the indices nvidia-smi reports, i.e. the GPUs this container/host can see; Spark then hands each
# task its address(es), and the job maps the first one to the DJL device.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "getGpusResources.sh: nvidia-smi not found on PATH; this executor has no NVIDIA driver (or the container was" \
       "started without the NVIDIA runtime)" >&2
  exit 1
fi

if ! indices=$(nvidia-smi --query-gpu=index --format=csv,noheader); then
  echo "getGpusResources.sh: nvidia-smi failed; is the NVIDIA driver loaded?" >&2
  exit 1
fi

addresses=""
while IFS= read -r index; do
  index="${index//[[:space:]]/}"
  [[ -z "$index" ]] && continue
  if [[ ! "$index" =~ ^[0-9]+$ ]]; then
    echo "getGpusResources.sh: unexpected nvidia-smi output line: '$index'" >&2
    exit 1
  fi
  addresses+="${addresses:+,}\"$index\""
done <<< "$indices"

if [[ -z "$addresses" ]]; then
  echo "getGpusResources.sh: nvidia-smi lists no GPU" >&2
  exit 1
fi

echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
