"""Builds fused_kernels.pt, the TorchScript helper of dev.clearclip.model.FusedKernels.

DJL 0.36 has no call for libtorch kernels that make the image encoder ~2x faster on CPU:
  - oneDNN's linear (mkldnn::_linear_pointwise, what torch.compile uses on CPU): on AMD Zen 4 it ran a
    (1570 x 768) @ (768 x 3072) fp32 GEMM 2-2.5x faster than aten::linear, whose MKL path skips AVX-512 on AMD;
  - scaled_dot_product_attention: the flash kernel never materialises the (B, H, L, L) scores;
  - the same linear with a post-op: swish (QuickGELU with folded weights) or a sum (the residual add).
A TorchScript archive stores its methods as source that the loading libtorch compiles, so the archive can call ops
that only DJL's libtorch (2.x) has even when the torch at hand is older (Debian's python3-torch is 1.13): a skeleton
module with the same method signatures is scripted and saved, then its source is replaced by the bodies below.
Run from this folder with any torch >= 1.13 (Debian: apt-get install python3-torch; or a torch 2.x CPU wheel in a venv,
as bench/compare.sh describes; the committed archive was made with torch 2.13):  python3 make_fused_kernels.py
"""
import os
import shutil
import tempfile
import zipfile

import torch

# One op per method: libtorch's JIT fuses longer chains, and a fused kernel ran ~10x slower than eager ones.
BODIES = {
    "linear": 'ops.mkldnn._linear_pointwise(x, weight, bias, "none", annotate(List[Optional[number]], []), "")',
    "linear_no_bias": 'ops.mkldnn._linear_pointwise(x, weight, None, "none", annotate(List[Optional[number]], []), "")',
    "attention": "torch.scaled_dot_product_attention(q, k, v)",
    # x * sigmoid(x) as a oneDNN post-op: QuickGELU once the 1.702 is folded into the weights (see Mlp)
    "linear_swish": 'ops.mkldnn._linear_pointwise(x, weight, bias, "swish", annotate(List[Optional[number]], []), "")',
    # other + x weight^T + bias as a oneDNN sum post-op: the residual add (other and x of one dtype)
    "linear_add": 'ops.mkldnn._linear_pointwise(x, other, weight, bias, "add")',
    # one head's softmax(q k^T) v, q (L, D) already scaled, as two oneDNN GEMMs: in fp32 ~1.45x faster than the flash
    # kernel, whose small GEMMs go through MKL's non-AVX-512 path on AMD. The copies matter: a weight whose rows are
    # strided (a head's slice of the fused qkv output) sends oneDNN to its reference GEMM, ~1000x slower.
    "attention_head": 'ops.mkldnn._linear_pointwise(torch.softmax(ops.mkldnn._linear_pointwise(q.contiguous(), '
                      'k.contiguous(), None, "none", annotate(List[Optional[number]], []), ""), -1), '
                      'torch.t(v.contiguous()), None, "none", annotate(List[Optional[number]], []), "")',
}


class FusedKernels(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x

    @torch.jit.export
    def linear(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return x  # skeleton: replaced by BODIES

    @torch.jit.export
    def linear_no_bias(self, x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        return x

    @torch.jit.export
    def linear_swish(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        return x

    @torch.jit.export
    def linear_add(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
        return x

    @torch.jit.export
    def attention_head(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return q

    @torch.jit.export
    def attention(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return q


def replace_bodies(source):
    """Swaps the return expression of each method in BODIES; every skeleton method is `def ...: return <expr>`."""
    lines, method, out, replaced = source.splitlines(), None, [], set()
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("def "):
            method = stripped[4:stripped.index("(")]
        if method in BODIES and stripped.startswith("return "):
            line = line[:line.index("return ")] + "return " + BODIES[method]
            replaced.add(method)
            method = None
        out.append(line)
    if replaced != set(BODIES):
        raise SystemExit("skeleton methods not replaced: %s" % sorted(set(BODIES) - replaced))
    return "\n".join(out) + "\n"


def main():
    with tempfile.TemporaryDirectory() as tmp:
        skeleton = os.path.join(tmp, "skeleton.pt")
        torch.jit.script(FusedKernels().eval()).save(skeleton)
        with zipfile.ZipFile(skeleton) as src, zipfile.ZipFile("fused_kernels.pt", "w", zipfile.ZIP_STORED) as dst:
            for item in src.infolist():
                if item.filename.endswith(".debug_pkl"):
                    continue  # source ranges of the skeleton's bodies; optional, and wrong once replaced
                data = src.read(item.filename)
                if item.filename.endswith("code/__torch__.py"):
                    data = replace_bodies(data.decode()).encode()
                dst.writestr(item.filename.replace("skeleton/", "fused_kernels/", 1), data)


if __name__ == "__main__":
    main()
