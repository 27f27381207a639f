"""Builds bf16_casts.pt, the TorchScript helper of dev.clearclip.model.Bf16Casts.

DJL 0.36 aborts the JVM when it creates a bf16 tensor itself, so the two steps that produce bf16 tensors live here.
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
    def scaled_softmax_bf16(self, scores: torch.Tensor, scale: float) -> torch.Tensor:
        # autocast's rule: softmax in fp32, its result feeds the next bf16 matmul
        return torch.softmax(scores.float() * scale, dim=-1).to(torch.bfloat16)


if __name__ == "__main__":
    torch.jit.script(Bf16Casts().eval()).save("bf16_casts.pt")
