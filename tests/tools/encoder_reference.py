#!/usr/bin/python3
"""Independent float32 reference forward pass for Hugging Face BERT / RoBERTa masked-LM checkpoints (parity oracle).

Written from the published model math (docs/architecture.md "Encoder families"), with torch tensor ops only: no
`transformers`. The safetensors/config readers are shared with decoder_reference.py (same folder).

  x = LayerNorm(word[ids] + position[offset + t] + token_type[0])       offset = 0 (bert), pad_token_id + 1 (roberta)
  per layer: a = softmax((x Wq + bq)(x Wk + bk)^T / sqrt(head_dim)) (x Wv + bv), per head, no mask
             x = LN(x + a Wo + bo);  x = LN(x + gelu_erf(x Wi + bi) Wd + bd)
  head:      h = LN(gelu_erf(x Wt + bt));  logits = h E^T + bias         (E = word embeddings, tied)

Usage: encoder_reference.py <model_folder> <windows.json> <out_folder> [--no-logits]
Writes result.json {"nll": [per-window float64 sum over every position t of -log p(tok[t] | window)],
"token_counts": [T], "inv_freq": [null...], "model_type", "vocab_size", "torch"} and logits_<i>.bin ([T, vocab] float32).
Exit codes: 0 ok, 2 bad input (one line on stderr naming the file), 1 anything else.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from decoder_reference import BadInput, Weights, cfg_int, read_json, read_weights  # noqa: E402

NAMES = {
    "bert": ("bert", "cls.predictions.transform.dense", "cls.predictions.transform.LayerNorm", "cls.predictions.bias",
             "cls.predictions.decoder"),
    "roberta": ("roberta", "lm_head.dense", "lm_head.layer_norm", "lm_head.bias", "lm_head.decoder"),
}
IGNORED = (".position_ids",)


def gelu(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def encoder_model(config, path, tensors, folder):
    mt = config["model_type"]
    prefix, dense, norm, bias_name, decoder = NAMES[mt]
    if config.get("hidden_act", "gelu") != "gelu":
        raise BadInput(f"{path}: hidden_act '{config.get('hidden_act')}' is not supported (gelu)")
    if config.get("position_embedding_type", "absolute") != "absolute":
        raise BadInput(f"{path}: position_embedding_type '{config.get('position_embedding_type')}' is not supported")
    layers = cfg_int(config, path, "num_hidden_layers")
    d = cfg_int(config, path, "hidden_size")
    heads = cfg_int(config, path, "num_attention_heads")
    inter = cfg_int(config, path, "intermediate_size")
    vocab = cfg_int(config, path, "vocab_size")
    positions = cfg_int(config, path, "max_position_embeddings")
    types = cfg_int(config, path, "type_vocab_size", 2)
    eps = float(config.get("layer_norm_eps", 1e-12))
    offset = 0 if mt == "bert" else int(config.get("pad_token_id", 1)) + 1
    hd = d // heads
    # Skip what a masked-LM forward never reads: pooler, next-sentence head, the tied decoder's stored copies.
    kept = {k: v for k, v in tensors.items()
            if not k.startswith(prefix + ".pooler.") and not k.startswith("cls.seq_relationship.")}
    w = Weights(kept, folder, IGNORED)
    e = prefix + ".embeddings."
    word = w.get(e + "word_embeddings.weight", [vocab, d])
    pos = w.get(e + "position_embeddings.weight", [positions, d])
    typ = w.get(e + "token_type_embeddings.weight", [types, d])

    def ln(x, module):
        return F.layer_norm(x, (d,), w.get(module + ".weight", [d]), w.get(module + ".bias", [d]), eps)

    def lin(x, module, n_in, n_out):
        return x @ w.get(module + ".weight", [n_out, n_in]).T + w.get(module + ".bias", [n_out])

    ln(torch.zeros(1, d), e + "LayerNorm")
    blocks = []
    for i in range(layers):
        b = f"{prefix}.encoder.layer.{i}."
        blocks.append(b)
        for m, n_in, n_out in (("attention.self.query", d, d), ("attention.self.key", d, d), ("attention.self.value", d, d),
                               ("attention.output.dense", d, d), ("intermediate.dense", d, inter), ("output.dense", inter, d)):
            lin(torch.zeros(1, n_in), b + m, n_in, n_out)
        ln(torch.zeros(1, d), b + "attention.output.LayerNorm")
        ln(torch.zeros(1, d), b + "output.LayerNorm")
    lin(torch.zeros(1, d), dense, d, d)
    ln(torch.zeros(1, d), norm)
    head_bias = w.get(bias_name, [vocab])
    if w.has(decoder + ".weight"):
        if not torch.equal(w.get(decoder + ".weight", [vocab, d]), word):
            raise BadInput(f"{path}: the stored {decoder}.weight differs from the word embeddings it is tied to")
    if w.has(decoder + ".bias"):
        if not torch.equal(w.get(decoder + ".bias", [vocab]), head_bias):
            raise BadInput(f"{path}: the stored {decoder}.bias differs from {bias_name}")
    w.check_all_used()

    def forward(ids):
        t = len(ids)
        if offset + t > positions:
            raise BadInput(f"{path}: a window of {t} tokens exceeds max_position_embeddings {positions}")
        x = word[torch.tensor(ids, dtype=torch.long)] + pos[offset:offset + t] + typ[0]
        x = ln(x, e + "LayerNorm")
        for b in blocks:
            q = lin(x, b + "attention.self.query", d, d).view(t, heads, hd).transpose(0, 1)
            k = lin(x, b + "attention.self.key", d, d).view(t, heads, hd).transpose(0, 1)
            v = lin(x, b + "attention.self.value", d, d).view(t, heads, hd).transpose(0, 1)
            p = torch.softmax((q @ k.transpose(1, 2)) / math.sqrt(hd), dim=-1)
            a = (p @ v).transpose(0, 1).reshape(t, d)
            x = ln(x + lin(a, b + "attention.output.dense", d, d), b + "attention.output.LayerNorm")
            m = lin(gelu(lin(x, b + "intermediate.dense", d, inter)), b + "output.dense", inter, d)
            x = ln(x + m, b + "output.LayerNorm")
        h = ln(gelu(lin(x, dense, d, d)), norm)
        return h @ word.T + head_bias

    return forward, vocab


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    flags = [a for a in argv if a.startswith("--")]
    if len(args) != 3 or any(f != "--no-logits" for f in flags):
        raise BadInput("usage: encoder_reference.py <model_folder> <windows.json> <out_folder> [--no-logits]")
    folder, windows_path, out = args
    config_path = os.path.join(folder, "config.json")
    config = read_json(config_path)
    if not isinstance(config, dict):
        raise BadInput(f"{config_path}: not a JSON object")
    mt = config.get("model_type")
    if mt not in NAMES:
        raise BadInput(f"{config_path}: model_type '{mt}' is not supported (supported: {', '.join(NAMES)})")
    windows = read_json(windows_path)
    windows = windows.get("windows") if isinstance(windows, dict) else None
    if not isinstance(windows, list) or not all(isinstance(w, list) and w for w in windows):
        raise BadInput(f"{windows_path}: expected {{\"windows\": [[token ids], ...]}} with non-empty windows")
    forward, vocab = encoder_model(config, config_path, read_weights(folder), folder)
    for ids in windows:
        if any(not isinstance(i, int) or i < 0 or i >= vocab for i in ids):
            raise BadInput(f"{windows_path}: a token id is outside [0, {vocab})")
    os.makedirs(out, exist_ok=True)
    nll, counts = [], []
    with torch.no_grad():
        for index, ids in enumerate(windows):
            logits = forward(ids)
            if "--no-logits" not in flags:
                logits.numpy().astype("<f4").tofile(os.path.join(out, f"logits_{index}.bin"))
            logp = F.log_softmax(logits, dim=-1)
            nll.append(float(-logp.gather(1, torch.tensor(ids, dtype=torch.long)[:, None]).double().sum()))
            counts.append(len(ids))
    with open(os.path.join(out, "result.json"), "w", encoding="utf-8") as f:
        json.dump({"nll": nll, "token_counts": counts, "inv_freq": [None] * len(windows), "model_type": mt,
                   "vocab_size": vocab, "torch": torch.__version__}, f)


if __name__ == "__main__":
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    try:
        main(sys.argv[1:])
    except BadInput as e:
        print(f"encoder_reference.py: {e}", file=sys.stderr)
        sys.exit(2)
