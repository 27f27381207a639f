#!/usr/bin/env bash
# Stops the cluster start.sh started: workers with the executors they forked, then the master.
#   deploy/local-cluster/stop.sh [--state DIR] [--grace-s 30]
# TERM to each daemon's process group, KILL to what is left after the grace period. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
state="$here/target/local-cluster"
grace_s=30
while [[ $# -gt 0 ]]; do
  case "$1" in
    --state) state="$2"; shift 2 ;;
    --grace-s) grace_s="$2"; shift 2 ;;
    *) echo "stop.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

# a pid file may outlive its process, and the pid be reused: signal only a Spark daemon's group
ours() {
  [[ -r "/proc/$1/cmdline" ]] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -q 'org.apache.spark.deploy.\(master.Master\|worker.Worker\)'
}

alive() {
  kill -0 -- "-$1" 2> /dev/null
}

stop_group() {
  local pid_file="$1" pid
  pid="$(cat "$pid_file")"
  if ours "$pid"; then
    kill -TERM -- "-$pid" 2> /dev/null || true
    local deadline=$((SECONDS + grace_s))
    while alive "$pid" && (( SECONDS < deadline )); do sleep 0.3; done
    if alive "$pid"; then
      echo "stop.sh: $(basename "$pid_file" .pid) ignored TERM for ${grace_s}s, killing" >&2
      kill -KILL -- "-$pid" 2> /dev/null || true
    fi
  fi
  rm -f "$pid_file"
}

shopt -s nullglob
for pid_file in "$state"/worker-*.pid; do stop_group "$pid_file"; done
[[ -f "$state/master.pid" ]] && stop_group "$state/master.pid"
rm -f "$state/master-url"
