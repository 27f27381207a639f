#!/usr/bin/env python3
"""Writes vocab.json + merges.txt in Hugging Face's CLIPTokenizer layout from OpenAI's bpe_simple_vocab_16e6.txt.gz.

vocab: the 256 byte characters, the same + "</w>", every merge joined, then "<|startoftext|>", "<|endoftext|>"
(HF's names for open_clip's <start_of_text>/<end_of_text>, same ids 49406/49407).
Run from the repository root: python3 src/test/resources/dev/clearclip/tokenizer/hf/make_hf_files.py
"""
import gzip
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GZ = os.path.join(HERE, "../../../../../../main/resources/dev/clearclip/tokenizer/bpe_simple_vocab_16e6.txt.gz")


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def main():
    lines = gzip.open(GZ).read().decode("utf-8").split("\n")
    merges = [tuple(m.split()) for m in lines[1:49152 - 256 - 2 + 1]]
    symbols = bytes_to_unicode()
    vocab = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    with open(os.path.join(HERE, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({token: i for i, token in enumerate(vocab)}, f, ensure_ascii=False)
    with open(os.path.join(HERE, "merges.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("#version: 0.2\n" + "".join(" ".join(m) + "\n" for m in merges))


if __name__ == "__main__":
    main()
