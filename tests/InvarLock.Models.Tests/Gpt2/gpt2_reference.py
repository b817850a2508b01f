#!/usr/bin/python3
"""Independent float32 GPT-2 reference for the C# parity test.

Built from torch tensor ops and torch.nn.functional only (no `transformers`). Reads the folder written by
Gpt2ParityTests: manifest.json (config, tensor table, token windows) and weights.bin (raw little-endian float32).
Writes result.json (per-window NLL sums in float64, token counts) and logits_<i>.bin ([T, vocab] float32) per window.
Usage: gpt2_reference.py <folder>
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F


def main(folder: str) -> None:
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
        m = json.load(f)
    raw = np.fromfile(os.path.join(folder, "weights.bin"), dtype="<f4")
    w = {}
    for t in m["tensors"]:
        count = int(np.prod(t["shape"]))
        w[t["name"]] = torch.from_numpy(raw[t["offset"]:t["offset"] + count].reshape(t["shape"]).copy())

    n_layer, n_head, n_embd = m["n_layer"], m["n_head"], m["n_embd"]
    eps = m["layer_norm_epsilon"]
    head_dim = n_embd // n_head
    head = w["lm_head.weight"] if (not m["tie_word_embeddings"] and "lm_head.weight" in w) else w["transformer.wte.weight"]

    def gelu(x: torch.Tensor) -> torch.Tensor:
        if m["activation_function"] == "gelu":
            return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))

    def conv1d(x: torch.Tensor, prefix: str) -> torch.Tensor:
        # Hugging Face Conv1D: weight stored [in, out]; y = b + x @ W.
        return torch.addmm(w[prefix + ".bias"], x, w[prefix + ".weight"])

    def forward(ids: list) -> torch.Tensor:
        t = len(ids)
        ids_t = torch.tensor(ids, dtype=torch.long)
        x = w["transformer.wte.weight"][ids_t] + w["transformer.wpe.weight"][:t]
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        for i in range(n_layer):
            p = f"transformer.h.{i}."
            h = F.layer_norm(x, (n_embd,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
            q, k, v = conv1d(h, p + "attn.c_attn").split(n_embd, dim=1)
            q = q.view(t, n_head, head_dim).transpose(0, 1)
            k = k.view(t, n_head, head_dim).transpose(0, 1)
            v = v.view(t, n_head, head_dim).transpose(0, 1)
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(head_dim)
            scores = scores.masked_fill(~causal, float("-inf"))
            attn = torch.matmul(F.softmax(scores, dim=-1), v).transpose(0, 1).reshape(t, n_embd)
            x = x + conv1d(attn, p + "attn.c_proj")
            h = F.layer_norm(x, (n_embd,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
            x = x + conv1d(gelu(conv1d(h, p + "mlp.c_fc")), p + "mlp.c_proj")
        h = F.layer_norm(x, (n_embd,), w["transformer.ln_f.weight"], w["transformer.ln_f.bias"], eps)
        return torch.matmul(h, head.t())

    nll, counts = [], []
    with torch.no_grad():
        for index, ids in enumerate(m["windows"]):
            logits = forward(ids)
            logits.numpy().astype("<f4").tofile(os.path.join(folder, f"logits_{index}.bin"))
            if len(ids) > 1:
                logp = F.log_softmax(logits[:-1], dim=-1)
                picked = logp.gather(1, torch.tensor(ids[1:], dtype=torch.long)[:, None])
                nll.append(float(-picked.double().sum()))
            else:
                nll.append(0.0)
            counts.append(len(ids) - 1)
    with open(os.path.join(folder, "result.json"), "w", encoding="utf-8") as f:
        json.dump({"nll": nll, "token_counts": counts, "torch": torch.__version__}, f)


if __name__ == "__main__":
    main(sys.argv[1])
