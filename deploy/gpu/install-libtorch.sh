#!/usr/bin/env bash
# Installs the official libtorch build that DJL's bundled JNI expects, for the CUDA route (see docs/cluster.md).
# Used by deploy/docker/Dockerfile, the EMR bootstrap action and the Dataproc initialization action.
#   install-libtorch.sh [FLAVOR [VERSION [DEST]]]      defaults: cu128 2.7.1 /opt/libtorch
# Afterwards set on every executor (and the driver if it runs models):
#   PYTORCH_LIBRARY_PATH=DEST/lib PYTORCH_VERSION=VERSION PYTORCH_FLAVOR=FLAVOR
# VERSION must equal the project's libtorch.version: DJL 0.36's JNI (in the job jar) is built against 2.7.1 for the
# flavors cpu and cu128 only. LIBTORCH_URL overrides the download, LIBTORCH_SHA256 (recommended) pins it.
set -euo pipefail

flavor="${1:-cu128}"
version="${2:-2.7.1}"
dest="${3:-/opt/libtorch}"

case "$flavor" in
  cpu|cu128) ;;
  *) echo "install-libtorch.sh: flavor '$flavor' has no JNI in DJL 0.36's pytorch-jni; use cpu or cu128" >&2; exit 2 ;;
esac
if [[ "$version" != "2.7.1" ]]; then
  echo "install-libtorch.sh: version '$version' does not match the JNI in the job jar (2.7.1-0.36.0)" >&2
  exit 2
fi

url="${LIBTORCH_URL:-https://download.pytorch.org/libtorch/${flavor}/libtorch-cxx11-abi-shared-with-deps-${version}%2B${flavor}.zip}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "install-libtorch.sh: downloading $url" >&2
curl -fsSL --retry 5 --retry-delay 5 -o "$work/libtorch.zip" "$url"
if [[ -n "${LIBTORCH_SHA256:-}" ]]; then
  echo "${LIBTORCH_SHA256}  $work/libtorch.zip" | sha256sum -c -
fi

unzip -q "$work/libtorch.zip" -d "$work"
if [[ ! -f "$work/libtorch/lib/libtorch.so" ]]; then
  echo "install-libtorch.sh: $url holds no libtorch/lib/libtorch.so" >&2
  exit 1
fi
# headers, cmake files and static test binaries are build-time only
rm -rf "$work/libtorch/include" "$work/libtorch/share" "$work/libtorch/bin"
mkdir -p "$(dirname "$dest")"
rm -rf "$dest"
mv "$work/libtorch" "$dest"
echo "install-libtorch.sh: installed libtorch $version+$flavor in $dest" >&2
