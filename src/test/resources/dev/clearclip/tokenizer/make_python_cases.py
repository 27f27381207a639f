#!/usr/bin/env python3
"""Writes python_cases.json: CLIP tokenization computed by Python itself (html.unescape, re '\\s', str.lower, the
`regex` module's \\p{L}/\\p{N}) for inputs the official fixtures do not cover: HTML entities, Unicode whitespace,
non-ASCII letters and digits. Independent re-statement of OpenAI CLIP's SimpleTokenizer (MIT) without ftfy (not
installed here; it reproduces all 1,237 official tokens.json entries). Inputs avoid what ftfy.fix_text would change
(curly quotes, ligatures, fullwidth, combining marks, entities a third unescape would alter), except the control
character in "x\x1cy", which checks Python's whitespace set (ftfy would delete it first).
Run from the repository root: python3 src/test/resources/dev/clearclip/tokenizer/make_python_cases.py
"""
import gzip
import html
import json
import os
import re

import regex

HERE = os.path.dirname(os.path.abspath(__file__))
GZ = os.path.join(HERE, "../../../../../main/resources/dev/clearclip/tokenizer/bpe_simple_vocab_16e6.txt.gz")
SPECIAL = ["<start_of_text>", "<end_of_text>"]

CASES = [
    "&amp;", "&amp;amp;", "cats &amp; dogs", "&lt;start_of_text&gt;", "&notit;", "&notin;", "&copy", "&copyx 2024",
    "&#39;s", "&#x27;ll", "&#X41;b", "&#65", "&#0;", "&#128;", "&#x80;", "&#xD800;", "&#1;x", "&#99999999999;",
    "&#x110000;", "& amp;", "&;", "&#;", "&#x;", "&AMP", "&ampx", "&Eacute;cole", "&nbsp;cat&nbsp;", "a&b&c;d",
    "&zzzz;", "&ltx", "&aacute&aacute;", "&#9731; snow",
    "a\u00a0b", "a\u2007b", "x\u001cy", "a\u0085b", "\u3000cat\u3000", "tab\tand\u2028line", "a\u200bb",
    "Café", "naïve", "北京", "😀 emoji", "ÀÉÎ", "İstanbul", "ΣΟΦΟΣ ΣΟΦΟΣ", "straße", "ǅ", "Ⅻ and ½ and ٣", "x² y³",
    "'S 'LL 'Re", "O'NEILL's", "<start_of_text>hello<end_of_text>", "<START_OF_TEXT>", "<|startoftext|>",
    "'ſ", "ſtart", "K Kelvin", "Ⓐ", "ABC123def", "mixed-CASE_words and   spaces", "a.b,c;d:e!f?g",
    "🐈‍⬛ black cat", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "tennis-racket", "traffic light", "x" * 300,
]


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


class Reference:
    def __init__(self):
        merges = gzip.open(GZ).read().decode("utf-8").split("\n")[1:49152 - 256 - 2 + 1]
        merges = [tuple(m.split()) for m in merges]
        self.byte_encoder = bytes_to_unicode()
        vocab = list(self.byte_encoder.values())
        vocab = vocab + [v + "</w>" for v in vocab] + ["".join(m) for m in merges] + SPECIAL
        self.encoder = {t: i for i, t in enumerate(vocab)}
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.pat = regex.compile("|".join(SPECIAL) + r"""|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
                                 regex.IGNORECASE)

    def bpe(self, token):
        if token in SPECIAL:
            return [token]
        word = list(token[:-1]) + [token[-1] + "</w>"]
        while len(word) > 1:
            pairs = [(word[i], word[i + 1]) for i in range(len(word) - 1)]
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        return word

    @staticmethod
    def clean(text):
        text = html.unescape(html.unescape(text)).strip()
        return re.sub(r"\s+", " ", text).strip().lower()

    def encode(self, text):
        ids = []
        for token in self.pat.findall(self.clean(text)):
            token = "".join(self.byte_encoder[b] for b in token.encode("utf-8"))
            ids += [self.encoder[t] for t in self.bpe(token)]
        return ids


def main():
    ref = Reference()
    cases = [{"text": t, "cleaned": ref.clean(t), "ids": ref.encode(t)} for t in CASES]
    with open(os.path.join(HERE, "python_cases.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": "make_python_cases.py", "cases": cases}, f, ensure_ascii=True, indent=0)


if __name__ == "__main__":
    main()
