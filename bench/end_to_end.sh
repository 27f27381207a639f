#!/usr/bin/env bash
# segment vs bench on the same images and model, one after the other (run on a quiet machine, after a build):
#   bench/end_to_end.sh [IMAGES] [MODEL]   (default 32 random:ViT-B/16)
# Prints both headline lines and the ratio of images/s; the segment figure counts from the model load to the last
# row (its "loaded image encoder" log line to the end of the segmentation stage) and over the whole run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
images="${1:-32}"; model="${2:-random:ViT-B/16}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cp="$root/target/classes:$(cat "$root/target/classpath.txt")"
java -cp "$cp" dev.clearclip.bench.RandomModelFolder "$model" "$work" "$images" 597x448 >/dev/null
b=$("$root/jobs/clearclip" bench --model "$work/model" --preset voc21 --images "$images" --workers 2 --threads 1 \
      --batch 4 | grep -E '^[0-9]+ images in' | tail -1)
start=$(date +%s.%N)
"$root/jobs/clearclip" --verbose segment --input "$work/images" --output "$work/out" --model "$work/model" --preset voc21 \
    --batch-size 4 --images-per-partition $(( (images + 1) / 2 )) --master 'local[2]' > "$work/segment.log" 2>&1
end=$(date +%s.%N)
bench_ips=$(sed -E 's/.*: ([0-9.]+) images\/s.*/\1/' <<<"$b")
loaded=$(grep -m1 'loaded image encoder' "$work/segment.log" | grep -oE '^[0-9]{2}:[0-9]{2}:[0-9]{2}' || true)
seg_wall=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.1f", e - s}')
seg_ips=$(grep -oE '[0-9.]+ images/s' "$work/segment.log" | tail -1 | cut -d' ' -f1)
echo "bench:   $b"
echo "segment: $images images, whole run $seg_wall s (incl. JVM and Spark start), run's own images/s $seg_ips; encoder loaded at ${loaded:-?}"
awk -v s="$seg_ips" -v b="$bench_ips" 'BEGIN {printf "segment / bench (run wall incl. listing and text embedding): %.2fx\n", s / b}'
committed=$(grep -E 'wave [0-9]+/[0-9]+ committed' "$work/segment.log" | tail -1 | grep -oE '^[0-9]{2}:[0-9]{2}:[0-9]{2}' || true)
if [[ -n "$loaded" && -n "$committed" ]]; then
  # the issue's measure: from the encoder load to the last row committed (statistics and the runs row come after)
  day=$(date -d @"${start%.*}" +%F)
  awk -v n="$images" -v l="$(date -d "$day $loaded" +%s)" -v c="$(date -d "$day $committed" +%s)" -v b="$bench_ips" \
    'BEGIN {r = n / (c - l); printf "segment from the encoder load to the last row committed: %.3f images/s, %.2fx of bench\n", r, r / b}'
fi
if [[ -n "$loaded" ]]; then
  # from the first encoder load to the end of the process (class statistics and the runs row included)
  load_s=$(date -d "$(date -d @"${start%.*}" +%F) $loaded" +%s)
  awk -v n="$images" -v l="$load_s" -v e="$end" -v b="$bench_ips" 'BEGIN {r = n / (e - l);
    printf "segment from the encoder load to the end: %.3f images/s, %.2fx of bench\n", r, r / b}'
fi
