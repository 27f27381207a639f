#!/usr/bin/env bash
# Dataproc initialization action (every node): libtorch for CUDA, the GPU discovery script and the model folder, at the
# paths workflow-template.yaml uses. Reads the cluster metadata keys clearclip-artifacts and clearclip-model.
set -euo pipefail
meta() { /usr/share/google/get_metadata_value "attributes/$1"; }
artifacts="$(meta clearclip-artifacts)"
model="$(meta clearclip-model)"

mkdir -p /opt/clearclip/models
gsutil -q cp "$artifacts/install-libtorch.sh" "$artifacts/getGpusResources.sh" /opt/clearclip/
chmod 755 /opt/clearclip/getGpusResources.sh /opt/clearclip/install-libtorch.sh
/opt/clearclip/install-libtorch.sh cu128 2.7.1 /opt/libtorch
gsutil -q -m cp -r "$model" /opt/clearclip/models/
chmod -R a+rX /opt/clearclip
