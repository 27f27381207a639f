#!/usr/bin/env bash
# Runs `clearclip segment` on the cluster start.sh started, through jobs/segment-submit.sh (client mode).
#   deploy/local-cluster/submit.sh [--state DIR] [--properties-file FILE] -- SEGMENT ARGS...
# e.g. deploy/local-cluster/submit.sh -- --input file:///data/images --output file:///tmp/out \
#        --model /models/ViT-B-16 --preset voc21
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
state="$here/target/local-cluster"
props=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
  case "$1" in
    --state) state="$2"; shift 2 ;;
    --properties-file) props=(--properties-file "$2"); shift 2 ;;
    *) echo "submit.sh: unknown option $1 (put segment arguments after --)" >&2; exit 2 ;;
  esac
done
[[ "${1:-}" == "--" ]] && shift
[[ -f "$state/master-url" ]] || { echo "submit.sh: no cluster in $state: run start.sh first" >&2; exit 2; }
# shellcheck source=/dev/null
source "$state/env"
exec "$here/jobs/segment-submit.sh" --master "$(cat "$state/master-url")" "${props[@]}" -- "$@"
