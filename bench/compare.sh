#!/usr/bin/env bash
# Side-by-side throughput: our `clearclip bench` vs our re-implementation of the official segmentor in PyTorch
# (bench/official_speed.py), fp32 and bf16, on the same random ViT-B/16 shapes and 597x448 synthetic JPEGs (official
# VOC21 config: short side 448, two 448x448 windows per image). The machine is shared, so the four variants are
# ALTERNATED round by round and medians are reported.
#
# Needs: Debian's torch (apt-get install python3-torch python3-numpy libopenblas0-openmp; without OpenBLAS, Debian's
# torch falls back to the reference BLAS and runs ~20x slower) and an offline Maven build of this project.
# Both sides run with the glibc settings that jobs/clearclip exports (big freed blocks stay in the heap instead of
# being unmapped and page-faulted back; torch gains ~2.5x from them too); ALLOCATOR=default runs without them.
# Usage: bench/compare.sh   (env: ROUNDS=3 IMAGES=6 MODEL=ViT-B/16 PYTHON=/usr/bin/python3 ALLOCATOR=tuned|default
#                                  OURS_ARGS="--workers 2 --threads 1 --batch 1 --window-batch 2"
#                                  PRECISIONS="fp32 bf16" OUT=bench/compare-results.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
IMAGES=${IMAGES:-6}
MODEL=${MODEL:-ViT-B/16}
PYTHON=${PYTHON:-/usr/bin/python3}
OURS_ARGS=${OURS_ARGS:-"--workers 2 --threads 1 --batch 1 --window-batch 2"}
OUT=${OUT:-bench/compare-results.txt}
if [ "${ALLOCATOR:-tuned}" = tuned ]; then
  export MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456
fi

mvn -o -q compile
mvn -o -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath > /dev/null
CP="target/classes:$(cat target/bench.classpath)"

ours() {
  java -Xmx8g -cp "$CP" dev.clearclip.bench.BenchCommand --model "random:$MODEL" --preset voc21 --size 597x448 \
    --images "$IMAGES" --warmup 1 --precision "$1" $OURS_ARGS 2>/dev/null | grep '^RESULT' | sed 's/^RESULT /RESULT impl=ours /'
}
torch_() {
  "$PYTHON" bench/official_speed.py --model "$MODEL" --size 597x448 --images "$IMAGES" --warmup 1 --threads 2 \
    --precision "$1" | grep '^RESULT'
}

: > "$OUT"
for r in $(seq "$ROUNDS"); do
  for precision in ${PRECISIONS:-fp32 bf16}; do
    for impl in torch_ ours; do
      line=$("$impl" "$precision")
      echo "round=$r load=$(cut -d' ' -f1 /proc/loadavg) allocator=${ALLOCATOR:-tuned} $line" | tee -a "$OUT"
    done
  done
done

"$PYTHON" - "$OUT" <<'PY'
import re, statistics, sys
runs, cpu = {}, {}
for line in open(sys.argv[1]):
    kv = dict(re.findall(r"(\w+)=(\S+)", line))
    runs.setdefault((kv["impl"], kv["precision"]), []).append(float(kv["images_per_s"]))
    cpu.setdefault((kv["impl"], kv["precision"]), []).append(float(kv["cpu_s_per_image"]))
med = {k: statistics.median(v) for k, v in runs.items()}
print("medians over %d alternated rounds (images/s; CPU-seconds per image, all threads):" % len(next(iter(runs.values()))))
for k in sorted(med):
    print("  %-5s %-4s %.4f img/s  %.2f CPU-s/img  (img/s runs: %s)" % (k[0], k[1], med[k],
          statistics.median(cpu[k]), ", ".join("%.4f" % x for x in runs[k])))
for p in ("fp32", "bf16"):
    if ("ours", p) in med and ("torch", p) in med:
        print("  ours/torch %s: %.2fx images/s, %.2fx CPU-s per image" % (p, med[("ours", p)] / med[("torch", p)],
              statistics.median(cpu[("torch", p)]) / statistics.median(cpu[("ours", p)])))
if ("ours", "bf16") in med and ("torch", "fp32") in med:
    print("  ours bf16 / torch fp32: %.2fx" % (med[("ours", "bf16")] / med[("torch", "fp32")]))
PY
