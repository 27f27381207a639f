"""Builds bf16_casts.pt, the TorchScript helper of dev.clearclip.model.Bf16Casts.

DJL 0.36 aborts the JVM when it creates a bf16 tensor itself, so the two ops that must output bf16 live here: the cast
and softmax. One op per method: libtorch's JIT fused a cast-scale-softmax chain into a kernel ~10x slower than eager.
Run from this folder with any torch >= 1.13 (Debian: apt-get install python3-torch):  python3 make_bf16_casts.py
"""
import torch


class Bf16Casts(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.to_bf16(x)

    @torch.jit.export
    def to_bf16(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.bfloat16)

    @torch.jit.export
    def softmax(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(x, dim=-1)


if __name__ == "__main__":
    torch.jit.script(Bf16Casts().eval()).save("bf16_casts.pt")
