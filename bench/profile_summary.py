#!/usr/bin/env python3
"""Where the time goes in a `bench --profile FILE` trace (libtorch's chrome trace of worker 0's ops; no torch needed).

Self time per op (a parent's time minus its children's), grouped: linear GEMMs, attention (q k^T, softmax, x v),
LayerNorm, casts and copies, elementwise (activation, residual adds, scaling), patch conv, post-processing
(upsampling, logits, argmax: every op outside the encoder's shapes), and the gaps between ops, which are Java: JPEG
decode, resize, mask PNG, statistics, JNI calls. Usage: python3 bench/profile_summary.py trace.json [top-N]
The profiler (recording shapes) slows every op by a roughly fixed amount, so many small ops (fp32's per-head
attention: ~100 ops per block) are over-represented: a profiled fp32 run took ~2x the CPU time of an unprofiled one.
"""
import collections
import json
import sys


def category(name, shapes):
    n = name.split("::")[-1]
    dims = [len(s) for s in shapes if isinstance(s, list)]
    first = next((x for x in shapes if x), [])
    if n == "mm" and first and first[-1] < 512:
        return "post-processing and other ops"  # Bilinear's GEMM: K is a patch grid side (encoder: K >= 768)
    if n in ("linear", "_linear_pointwise", "addmm", "mm", "linear_swish", "linear_add") or "linear" in n:
        # fp32 attention runs per head as two oneDNN linears on (L, D) and (L, L) inputs
        return "attention: q k^T and x v" if dims and dims[0] == 2 and n == "_linear_pointwise" else "linear GEMMs"
    if n == "attention_head":
        return "attention: q k^T and x v"
    if n in ("bmm", "matmul", "baddbmm") and dims and dims[0] == 4:
        return "attention: q k^T and x v"
    if n in ("bmm", "matmul", "baddbmm"):
        return "attention: q k^T and x v" if dims and dims[0] == 3 else "post-processing and other ops"
    if "softmax" in n and len(first) >= 2 and first[-1] == first[-2]:
        return "attention: softmax"
    if "scaled_dot_product" in n or "flash" in n:
        return "attention: fused SDPA"
    if "layer_norm" in n:
        return "LayerNorm"
    if n in ("to", "_to_copy", "copy_", "to_bf16", "contiguous", "clone", "cat"):
        return "casts and copies"
    if n in ("mul", "mul_", "sigmoid", "add", "add_", "gelu", "div", "div_"):
        return "elementwise (activation, residual, scale)"
    if "conv" in n:
        return "patch conv"
    if n in ("empty", "empty_strided", "view", "reshape", "transpose", "permute", "split", "narrow", "slice",
             "as_strided", "select", "t", "unsqueeze", "expand", "_reshape_alias", "detach", "alias", "resize_"):
        return "allocation and views"
    return "post-processing and other ops"


def main():
    events = [e for e in json.load(open(sys.argv[1])) if e.get("ph") == "X"]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    by_thread = collections.defaultdict(list)
    for e in events:
        by_thread[e["tid"]].append(e)
    self_us = collections.Counter()
    per_op = collections.Counter()
    calls = collections.Counter()
    busy = 0.0
    span = 0.0
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        span += max(e["ts"] + e["dur"] for e in evs) - min(e["ts"] for e in evs)
        stack = []  # [event, child time]
        def close(item):
            e, child = item
            own = max(0.0, e["dur"] - child)
            shapes = e.get("shape") or []
            first = next((s for s in shapes if s), [])
            self_us[category(e["name"], shapes)] += own
            key = "%s %s" % (e["name"], first)
            per_op[key] += own
            calls[key] += 1
        for e in evs:
            while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= e["ts"]:
                close(stack.pop())
            if stack:
                stack[-1][1] += e["dur"]
            else:
                busy += e["dur"]
            stack.append([e, 0.0])
        while stack:
            close(stack.pop())
    total = span
    print("profiled span %.0f ms, of which inside libtorch ops %.0f ms (%.1f %%)" % (span / 1e3, busy / 1e3,
                                                                                     100 * busy / span))
    for cat, us in self_us.most_common():
        print("  %-45s %9.1f ms %5.1f %%" % (cat, us / 1e3, 100 * us / total))
    print("  %-45s %9.1f ms %5.1f %%" % ("Java between ops (decode, resize, PNG, JNI)", (span - busy) / 1e3,
                                        100 * (span - busy) / total))
    print("top ops by self time:")
    for key, us in per_op.most_common(top):
        print("  %9.1f ms %6d calls  %s" % (us / 1e3, calls[key], key[:110]))


if __name__ == "__main__":
    main()
