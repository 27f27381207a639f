#!/usr/bin/env bash
# The corpus forms at scale, side by side (run on a quiet machine, after a build):
#   bench/scale.sh [SAMPLES] [SHARDS] [LISTING_FILES]   (default 100000 100 1000000)
# One generated corpus of 64x64 JPEGs written as WebDataset shards, an img2dataset-style Parquet table and loose
# files is segmented with the tiny fixture model on local[2] and on a standalone cluster on 127.0.0.1 (two workers of
# one core each, deploy/local-cluster, the job jar through spark-submit in client mode); for each form it prints the
# planning time (JVM start to the run's plan line), the driver JVM's heap peak (GC log), the run's images/s, and the
# job's per-image time beyond `bench`'s model-only rate on the same image bytes. Then LISTING_FILES empty loose files
# are planned with the driver held to -Xmx512m: the listing time per 100k files, and whether the driver fits (the run
# is stopped once planned; LISTING_FILES=0 skips it). SCALE_MODES="local cluster" and SCALE_FORMS="shards table loose"
# (the defaults) pick masters and forms; the cluster needs `mvn package` (target/clearclip-spark-job.jar).
# SCALE_WORK=DIR keeps the corpus in DIR (reused when it holds one of the same size) and SCALE_KEEP=1 keeps it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
samples="${1:-100000}"; shards="${2:-100}"; listing="${3:-1000000}"
model="$root/src/test/resources/fixtures/models/tiny-openclip"
classes="$root/src/test/resources/fixtures/text/cls_voc21.txt"
work="${SCALE_WORK:-$(mktemp -d)}"; [[ -n "${SCALE_KEEP:-}" ]] || trap 'rm -rf "$work"' EXIT
cp="$root/target/classes:$(cat "$root/target/classpath.txt")"
windows=(--resize-short 224 --crop 224 --stride 224)

if [[ -f "$work/corpus-$samples-$shards" ]]; then
  echo "corpus: $samples samples as $shards shards, $shards table files and loose files, from an earlier run in $work"
else
  t0=$(date +%s.%N)
  java -cp "$cp" dev.clearclip.bench.ScaleCorpus "$work" "$samples" "$shards" 64x64
  touch "$work/corpus-$samples-$shards"
  echo "corpus: $samples samples as $shards shards, $shards table files and loose files in $(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN {printf "%.0f", e - s}') s"
fi

b=$("$root/jobs/clearclip" bench --model "$model" --classes "$classes" "${windows[@]}" --images 2000 --size 64x64 \
      --format jpg --workers 2 --threads 1 --batch 8 | grep -E '^[0-9]+ images in' | tail -1)
bench_ips=$(sed -E 's/.*: ([0-9.]+) images\/s.*/\1/' <<<"$b")
echo "bench (model only, same image size and format): $b"

run() { # mode (local or cluster), form, then segment's input arguments
  local mode="$1" form="$2"; shift 2
  local log="$work/$mode-$form.log" gc="$work/$mode-$form.gc" out="$work/out-$mode-$form"
  local start end
  rm -rf "$out" # a fresh output: a rerun into the old one would skip every image
  start=$(date +%s.%N)
  if [[ "$mode" == local ]]; then
    JAVA_OPTS="-Xmx4g -Xlog:gc:file=$gc:uptime" "$root/jobs/clearclip" segment "$@" --output "$out" \
        --model "$model" --classes "$classes" "${windows[@]}" --master 'local[2]' --batch-size 8 > "$log" 2>&1
  else
    SPARK_DRIVER_MEMORY=4g SPARK_SUBMIT_OPTS="-Xlog:gc:file=$gc:uptime -Dai.djl.offline=true" \
      "$root/deploy/local-cluster/submit.sh" --state "$work/cluster" --properties-file "$work/cluster.conf" -- \
      "$@" --output "file://$out" --model "$model" --classes "$classes" "${windows[@]}" --batch-size 8 > "$log" 2>&1
  fi
  end=$(date +%s.%N)
  local plan ips heap
  plan=$(grep -m1 -E 'to segment in|to read in' "$log" | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}' | head -1 || true)
  ips=$(grep -oE '[0-9.]+ images/s' "$log" | tail -1 | cut -d' ' -f1)
  heap=$(grep -oE '[0-9]+M->[0-9]+M' "$gc" | sed -E 's/M->.*//' | sort -n | tail -1)
  awk -v f="$mode $form" -v n="$samples" -v s="$start" -v e="$end" -v r="$ips" -v b="$bench_ips" -v h="$heap" \
      -v p="$(( $(date -d "$(date -d @"${start%.*}" +%F) $plan" +%s) - ${start%.*} ))" 'BEGIN {
    printf "%-15s %d images: planned in %d s (from JVM start), run %.1f s, %.2f images/s (%.2fx of bench), job beyond bench %.2f ms/image, driver heap peak %s MB\n",
      f, n, p, e - s, r, r / b, 1000 / r - 1000 / b, h }'
}
forms() { # mode
  for form in ${SCALE_FORMS:-shards table loose}; do
    case "$form" in
      shards) run "$1" shards --input "$work/shards" --keep-metadata json ;;
      table) run "$1" table --input-table "$work/table" --carry-columns url ;;
      loose) run "$1" loose --input "$work/loose" --recursive ;;
      *) echo "scale.sh: SCALE_FORMS takes shards, table and loose, not $form" >&2; exit 2 ;;
    esac
  done
}
for mode in ${SCALE_MODES:-local cluster}; do
  case "$mode" in
    local) forms local ;;
    cluster)
      # two executors of one core each: the same two cores as local[2], but separate JVMs with shuffles between them
      printf '%s\n' "spark.executor.cores 1" "spark.executor.memory 2g" "spark.cores.max 2" \
          "spark.executor.extraJavaOptions -Dai.djl.offline=true" > "$work/cluster.conf"
      rm -rf "$work/cluster"
      "$root/deploy/local-cluster/start.sh" --state "$work/cluster" --workers 2 --cores 1 --memory 3g > /dev/null
      trap '"$root/deploy/local-cluster/stop.sh" --state "$work/cluster" > /dev/null 2>&1 || true; [[ -n "${SCALE_KEEP:-}" ]] || rm -rf "$work"' EXIT
      forms cluster
      "$root/deploy/local-cluster/stop.sh" --state "$work/cluster" > /dev/null ;;
    *) echo "scale.sh: SCALE_MODES takes local and cluster, not $mode" >&2; exit 2 ;;
  esac
done
[[ "$listing" -gt 0 ]] || exit 0

java -cp "$cp" dev.clearclip.bench.ScaleCorpus "$work" "$listing" 0 1x1 --empty
start=$(date +%s.%N)
JAVA_OPTS="-Xmx512m -Xlog:gc:file=$work/listing.gc:uptime" "$root/jobs/clearclip" segment --input "$work/empty" \
    --recursive --output "$work/out-listing" --model "$model" --classes "$classes" "${windows[@]}" \
    --master 'local[2]' > "$work/listing.log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null && ! grep -qE 'to segment in' "$work/listing.log"; do sleep 1; done
end=$(date +%s.%N)
kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
heap=$(grep -oE '[0-9]+M->[0-9]+M' "$work/listing.gc" | sed -E 's/M->.*//' | sort -n | tail -1)
if grep -qE 'to segment in' "$work/listing.log"; then
  awk -v n="$listing" -v s="$start" -v e="$end" -v h="$heap" 'BEGIN {
    printf "listing %d loose files with -Xmx512m: planned in %.1f s (%.1f s per 100k files, JVM start included), heap peak %s MB\n",
      n, e - s, (e - s) / n * 100000, h }'
else
  echo "listing $listing loose files with -Xmx512m: FAILED before planning ended:"; tail -5 "$work/listing.log"
fi
