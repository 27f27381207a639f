#!/usr/bin/env bash
# EMR bootstrap action (every node): copies the model folder to the same local path on each node, because the driver
# resolves --model and the executors load the image encoder from that path.
#   --bootstrap-actions Path=s3://example-artifacts/clearclip/bootstrap-model.sh,Args=[s3://example-models/clip-vit-base-patch16,/mnt/clearclip/models/clip-vit-base-patch16]
set -euo pipefail
src="${1:?usage: bootstrap-model.sh s3://bucket/model-folder /local/path}"
dest="${2:?usage: bootstrap-model.sh s3://bucket/model-folder /local/path}"
sudo mkdir -p "$dest"
sudo aws s3 cp --recursive --only-show-errors "$src" "$dest"
sudo chmod -R a+rX "$dest"
