#!/usr/bin/env bash
# Side-by-side throughput: our `clearclip bench` vs our re-implementation of the official segmentor in PyTorch
# (bench/official_speed.py), fp32 and bf16, on the same random ViT-B/16 shapes and 597x448 synthetic JPEGs (official
# VOC21 config: short side 448, two 448x448 windows per image). torch runs two paths of the same per-image work:
# the official structure (nn.MultiheadAttention, `--attention mha`) and plain batch-first bmm + softmax
# (`--attention eager`). The machine is shared, so the variants are ALTERNATED round by round and medians reported.
#
# Needs a torch: TORCH_PYTHON, else $TORCH_VENV/bin/python (default ./venv-torch2, git-ignored) when present (a torch
# 2.x CPU wheel: python3 -m venv --system-site-packages venv-torch2; venv-torch2/bin/pip install --no-deps
# torch-2.*+cpu-*.whl numpy-*.whl pillow-*.whl), else /usr/bin/python3 (Debian's torch 1.13: apt-get install
# python3-torch python3-numpy libopenblas0-openmp; without OpenBLAS it falls back to the reference BLAS, ~20x
# slower). Every raw line names the torch version. And an offline Maven build of this project.
# Both sides run with the glibc settings that jobs/clearclip exports (big freed blocks stay in the heap instead of
# being unmapped and page-faulted back; torch gains ~2.5x from them too); ALLOCATOR=default runs without them.
# Usage: bench/compare.sh   (env: ROUNDS=3 IMAGES=6 MODEL=ViT-B/16 TORCH_PYTHON=... ALLOCATOR=tuned|default
#                                  TORCH_PATHS="mha eager" OURS_ARGS="--workers 2 --threads 1 --batch 1 --window-batch 2"
#                                  PRECISIONS="fp32 bf16" OUT=bench/compare-results.txt PEAK=1 (ours: --peak))
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
IMAGES=${IMAGES:-6}
MODEL=${MODEL:-ViT-B/16}
if [ -z "${TORCH_PYTHON:-}" ]; then
  for candidate in "${TORCH_VENV:-venv-torch2}/bin/python" "${PYTHON:-}" /usr/bin/python3; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c 'import torch' 2>/dev/null; then
      TORCH_PYTHON=$candidate
      break
    fi
  done
fi
TORCH_PYTHON=${TORCH_PYTHON:?no python with torch found: set TORCH_PYTHON}
TORCH_VERSION=$("$TORCH_PYTHON" -c 'import torch; print(torch.__version__)')
TORCH_PATHS=${TORCH_PATHS:-"mha eager"}
OURS_ARGS=${OURS_ARGS:-"--workers 2 --threads 1 --batch 1 --window-batch 2"}
OUT=${OUT:-bench/compare-results.txt}
if [ "${ALLOCATOR:-tuned}" = tuned ]; then
  export MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456
fi

mvn -o -q compile
mvn -o -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath > /dev/null
CP="target/classes:$(cat target/bench.classpath)"

ours() {
  java -Xmx8g -cp "$CP" dev.clearclip.cli.Main bench --model "random:$MODEL" --preset voc21 --size 597x448 \
    --images "$IMAGES" --warmup 1 --precision "$1" $OURS_ARGS ${PEAK:+--peak} 2>/dev/null | grep '^RESULT' \
    | sed "s|^RESULT |RESULT impl=ours torch_compared=$TORCH_VERSION model=$MODEL |"
}
torch_() {
  "$TORCH_PYTHON" bench/official_speed.py --model "$MODEL" --size 597x448 --images "$IMAGES" --warmup 1 --threads 2 \
    --precision "$1" --attention "$2" | grep '^RESULT'
}

echo "# ROUNDS=$ROUNDS IMAGES=$IMAGES MODEL=$MODEL torch $TORCH_VERSION ($TORCH_PYTHON), ours: $OURS_ARGS, $(date -u +%FT%TZ)" \
  | tee -a "$OUT"
first=$(($(wc -l < "$OUT")))
for r in $(seq "$ROUNDS"); do
  for precision in ${PRECISIONS:-fp32 bf16}; do
    for impl in $TORCH_PATHS ours; do
      if [ "$impl" = ours ]; then line=$(ours "$precision"); else line=$(torch_ "$precision" "$impl"); fi
      echo "round=$r load=$(cut -d' ' -f1 /proc/loadavg) allocator=${ALLOCATOR:-tuned} $line" | tee -a "$OUT"
    done
  done
done

tail -n +"$first" "$OUT" | python3 -c '
import re, statistics, sys
runs, cpu = {}, {}
for line in sys.stdin:
    if line.startswith("#"):
        continue
    kv = dict(re.findall(r"(\w+)=(\S+)", line))
    impl = "ours" if kv["impl"] == "ours" else "torch-" + kv["attention"]
    runs.setdefault((impl, kv["precision"]), []).append(float(kv["images_per_s"]))
    cpu.setdefault((impl, kv["precision"]), []).append(float(kv["cpu_s_per_image"]))
med = {k: statistics.median(v) for k, v in runs.items()}
print("medians over %d alternated rounds (images/s; CPU-seconds per image, all threads):" % len(next(iter(runs.values()))))
for k in sorted(med):
    print("  %-11s %-4s %.4f img/s  %.2f CPU-s/img  (img/s runs: %s)" % (k[0], k[1], med[k],
          statistics.median(cpu[k]), ", ".join("%.4f" % x for x in runs[k])))
for p in ("fp32", "bf16"):
    torches = [k for k in med if k[1] == p and k[0] != "ours"]
    if ("ours", p) in med and torches:
        best = max(torches, key=lambda k: med[k])
        print("  ours / best torch (%s) %s: %.2fx images/s; per round: %s" % (best[0], p, med[("ours", p)] / med[best],
              ", ".join("%.2fx" % (o / max(runs[t][i] for t in torches)) for i, o in enumerate(runs[("ours", p)]))))
'

