#!/usr/bin/env python3
"""Throughput of the official ClearCLIP segmentor's per-image work on CPU, as a baseline for `clearclip bench`.

Our own re-implementation, written from the algorithm (the official code is under a non-commercial licence and is
not copied): what the official segmentor computes per image, in the same order and with the same waste:
  decode -> keep-ratio resize -> normalise -> for each sliding window, ONE AT A TIME: full ViT forward in which the
  last block is run as a standard block (output discarded) AND as ClearCLIP's q-q attention (k projected too), no
  residual/FFN -> ln_post, proj -> cosine logits vs the queries -> bilinear upsample to the window, pad into the image,
  count-average -> resize to the original size -> x logit scale, softmax, max over synonyms, argmax, prob threshold.
Weights are random with CLIP ViT-B/16 (or L/14) shapes: speed depends on shapes only.

Run with a torch 2.x (a CPU wheel in a venv, see bench/compare.sh) or Debian's torch 1.13 (apt-get install
python3-torch python3-numpy), e.g.
  venv-torch2/bin/python bench/official_speed.py --precision fp32 --attention eager --images 10
"""
import argparse
import io
import math
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

MODELS = {  # patch, width, layers, heads, embed
    "ViT-B/16": (16, 768, 12, 12, 512),
    "ViT-L/14": (14, 1024, 24, 16, 768),
}
MEAN = torch.tensor([122.771, 116.746, 104.094]).view(3, 1, 1)
STD = torch.tensor([68.501, 66.632, 70.323]).view(3, 1, 1)


class LayerNorm(torch.nn.LayerNorm):
    """CLIP's LayerNorm: computed in fp32 whatever the input dtype, result in the input's dtype."""

    def forward(self, x):
        return super().forward(x.float()).to(x.dtype)


class Block(torch.nn.Module):
    """Pre-LN CLIP block. attention="mha": torch's own MultiheadAttention in CLIP's (L, N, E) layout, as CLIP's model
    code uses; "eager": the same weights in a batch-first (N, L, E) layout as plain bmm + softmax, no MHA wrapper."""

    def __init__(self, width, heads, attention="mha"):
        super().__init__()
        self.attention = attention
        self.ln_1 = LayerNorm(width)
        self.attn = torch.nn.MultiheadAttention(width, heads)
        self.ln_2 = LayerNorm(width)
        self.c_fc = torch.nn.Linear(width, 4 * width)
        self.c_proj = torch.nn.Linear(4 * width, width)
        self.heads = heads

    def forward(self, x):
        h = self.ln_1(x)
        if self.attention == "mha":
            x = x + self.attn(h, h, h, need_weights=False)[0]
        else:
            x = x + self.eager_attention(h)
        h = self.c_fc(self.ln_2(x))
        return x + self.c_proj(h * torch.sigmoid(1.702 * h))

    def eager_attention(self, h):
        """Batch-first h (N, L, W): full in_proj, softmax(q k^T / sqrt(d)) v per head as bmm + softmax, out_proj."""
        n, l, w = h.shape
        d = w // self.heads
        q, k, v = (t.reshape(n, l, self.heads, d).transpose(1, 2).reshape(n * self.heads, l, d)
                   for t in F.linear(h, self.attn.in_proj_weight, self.attn.in_proj_bias).chunk(3, dim=-1))
        attn = torch.softmax(torch.bmm(q * d ** -0.5, k.transpose(1, 2)), dim=-1)
        o = torch.bmm(attn, v).reshape(n, self.heads, l, d).transpose(1, 2).reshape(n, l, w)
        return self.attn.out_proj(o)

    def clearclip(self, x):
        """q-q attention on ln_1(x), then out_proj; k is projected (and unused) like the full in_proj does.
        x is (L, N, W) for attention="mha", (N, L, W) for "eager"; the result has x's layout."""
        if self.attention == "eager":
            x = x.transpose(0, 1)
        l, n, w = x.shape
        q, k, v = F.linear(self.ln_1(x), self.attn.in_proj_weight, self.attn.in_proj_bias).chunk(3, dim=-1)
        d = w // self.heads
        q = q.reshape(l, n * self.heads, d).transpose(0, 1)
        v = v.reshape(l, n * self.heads, d).transpose(0, 1)
        attn = torch.softmax(torch.bmm(q * d ** -0.5, q.transpose(1, 2)), dim=-1)
        o = torch.bmm(attn, v).transpose(0, 1).reshape(l, n, w)
        o = self.attn.out_proj(o)
        return o.transpose(0, 1) if self.attention == "eager" else o


class Encoder(torch.nn.Module):
    def __init__(self, patch, width, layers, heads, embed, attention="mha"):
        super().__init__()
        self.patch = patch
        self.attention = attention
        s = width ** -0.5
        self.conv1 = torch.nn.Conv2d(3, width, patch, patch, bias=False)
        self.class_embedding = torch.nn.Parameter(s * torch.randn(width))
        self.positional_embedding = torch.nn.Parameter(s * torch.randn((224 // patch) ** 2 + 1, width))
        self.ln_pre = LayerNorm(width)
        self.blocks = torch.nn.ModuleList(Block(width, heads, attention) for _ in range(layers))
        self.ln_post = LayerNorm(width)
        self.proj = torch.nn.Parameter(s * torch.randn(width, embed))
        for b in self.blocks:
            for p in (b.attn.in_proj_weight, b.c_fc.weight):
                torch.nn.init.normal_(p, std=s)
            for p in (b.attn.out_proj.weight, b.c_proj.weight):
                torch.nn.init.normal_(p, std=s * (2 * layers) ** -0.5)

    def positions(self, hp, wp):
        cls, grid = self.positional_embedding[:1], self.positional_embedding[1:]
        g = int(math.sqrt(grid.shape[0]))
        grid = grid.reshape(1, g, g, -1).permute(0, 3, 1, 2)
        grid = F.interpolate(grid, size=(hp, wp), mode="bicubic", align_corners=False)
        return torch.cat([cls, grid.reshape(grid.shape[1], hp * wp).t()])

    def forward(self, img):
        x = self.conv1(img)
        n, w, hp, wp = x.shape
        x = x.reshape(n, w, hp * wp).permute(0, 2, 1)
        x = torch.cat([self.class_embedding.expand(n, 1, w), x], dim=1) + self.positions(hp, wp)
        x = self.ln_pre(x)
        if self.attention == "mha":
            x = x.permute(1, 0, 2)  # (L, N, W)
        for b in self.blocks[:-1]:
            x = b(x)
        _ = self.blocks[-1](x)  # the official forward runs the standard last block too; its output is dropped
        x = self.blocks[-1].clearclip(x)
        if self.attention == "mha":
            x = x.permute(1, 0, 2)  # (N, L, W)
        return self.ln_post(x) @ self.proj, hp, wp


def keep_ratio_size(w, h, short=448, long=2048):
    scale = min(long / max(w, h), short / min(w, h))
    return int(w * scale + 0.5), int(h * scale + 0.5)


def segment(encoder, queries, class_of_query, classes, data, crop, stride, logit_scale, prob_thd):
    rgb = Image.open(io.BytesIO(data)).convert("RGB")
    rw, rh = keep_ratio_size(*rgb.size)
    rgb = rgb.resize((rw, rh), Image.BILINEAR)
    img = ((torch.from_numpy(np.asarray(rgb).copy()).permute(2, 0, 1).float() - MEAN) / STD).unsqueeze(0)
    h, w = rh, rw
    q = queries.shape[0]
    preds = torch.zeros(1, q, h, w)
    count = torch.zeros(1, 1, h, w)
    for y in range(max(h - crop + stride - 1, 0) // stride + 1):
        for x in range(max(w - crop + stride - 1, 0) // stride + 1):
            y1, x1 = y * stride, x * stride
            y2, x2 = min(y1 + crop, h), min(x1 + crop, w)
            y1, x1 = max(y2 - crop, 0), max(x2 - crop, 0)
            win = img[:, :, y1:y2, x1:x2]
            wh, ww = win.shape[2:]
            ph, pw = -wh % encoder.patch, -ww % encoder.patch
            win = F.pad(win, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))
            feats, hp, wp = encoder(win)
            feats = feats[:, 1:].float()
            feats = feats / feats.norm(dim=-1, keepdim=True)
            logits = (feats @ queries.t()).permute(0, 2, 1).reshape(1, q, hp, wp)
            logits = F.interpolate(logits, size=win.shape[2:], mode="bilinear", align_corners=False)
            logits = logits[:, :, ph // 2:ph // 2 + wh, pw // 2:pw // 2 + ww]
            preds += F.pad(logits, (x1, w - x2, y1, h - y2))
            count[:, :, y1:y2, x1:x2] += 1
    logits = F.interpolate(preds / count, size=(rgb.size[1], rgb.size[0]), mode="bilinear", align_corners=False)
    probs = torch.softmax(logits[0] * logit_scale, dim=0)
    if classes != q:
        probs = torch.stack([probs[class_of_query == c].max(dim=0)[0] for c in range(classes)])
    prob, label = probs.max(dim=0)
    label[prob < prob_thd] = 0
    return label


def synthetic_jpeg(w, h, seed):
    rng = np.random.default_rng(seed)
    u, v = np.meshgrid(np.linspace(0, 1, w), np.linspace(0, 1, h))
    f = rng.uniform(0.5, 6, 6) * np.pi
    chans = [np.sin(f[0] * u + f[1] * v), np.cos(f[2] * u - f[3] * v), np.sin(f[4] * u * u + f[5] * v)]
    arr = np.stack([128 + 90 * c + rng.integers(-12, 13, c.shape) for c in chans], -1)
    out = io.BytesIO()
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=90)
    return out.getvalue()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="ViT-B/16", choices=sorted(MODELS))
    ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    ap.add_argument("--images", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--size", default="597x448")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--attention", default="mha", choices=["mha", "eager"],
                    help="mha: torch.nn.MultiheadAttention in CLIP's (L, N, E) layout (the official structure); "
                         "eager: batch-first bmm + softmax")
    ap.add_argument("--classes", default="conf/vocabularies/cls_voc21.txt")
    ap.add_argument("--crop", type=int, default=448)
    ap.add_argument("--stride", type=int, default=224)
    ap.add_argument("--prob-thd", type=float, default=0.5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    patch, width, layers, heads, embed = MODELS[args.model]
    encoder = Encoder(patch, width, layers, heads, embed, args.attention).eval()
    with open(args.classes) as f:
        groups = [line.strip().split(",") for line in f if line.strip()]
    class_of_query = torch.tensor([c for c, g in enumerate(groups) for _ in g])
    queries = F.normalize(torch.randn(len(class_of_query), embed), dim=-1)
    w, h = (int(s) for s in args.size.split("x"))
    files = [synthetic_jpeg(w, h, s) for s in range(8)]
    run = lambda i: segment(encoder, queries, class_of_query, len(groups), files[i % len(files)], args.crop,
                            args.stride, 50.0, args.prob_thd)
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.precision == "bf16"):
        for i in range(args.warmup):
            run(i)
        t0, cpu0 = time.perf_counter(), time.process_time()
        for i in range(args.images):
            run(i)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    ips = args.images / seconds
    print(f"torch {torch.__version__} {args.model} {args.precision}, attention {args.attention}, {args.threads} threads, "
          f"{w}x{h}: {args.images} images in {seconds:.2f} s")
    print(f"RESULT impl=torch torch={torch.__version__} attention={args.attention} model={args.model} "
          f"precision={args.precision} images_per_s={ips:.4f} ms_per_image={1000 / ips:.1f} "
          f"cpu_s_per_image={cpu / args.images:.2f}")


if __name__ == "__main__":
    main()
