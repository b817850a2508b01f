#!/usr/bin/python3
"""Independent float32 reference forward pass for Hugging Face decoder checkpoints (parity oracle).

Written from the published model math (docs: /work/shared/reference/architectures.md restated in
docs/architecture.md "Parity fixtures"), with torch tensor ops and numpy only: no `transformers`, no
`safetensors` package. Families: gpt2, llama, mistral, qwen2, qwen3, phi3, gemma.

Reads an HF folder directly: config.json and model.safetensors, or model.safetensors.index.json and its shards
(8-byte little-endian header length, JSON header, raw little-endian data; F32, F16, BF16 and F64 are widened to
float32). Everything is computed in float32 on the CPU, as Hugging Face does on CPU.

Usage: decoder_reference.py <model_folder> <windows.json> <out_folder> [--no-logits]
  windows.json: {"windows": [[token ids], ...]}
Writes to <out_folder>:
  result.json   {"nll": [per-window float64 sum over t = 0..T-2 of -log p(tok[t+1])], "token_counts": [T-1],
                 "inv_freq": [per-window rotary inverse frequencies actually used, or null for gpt2],
                 "model_type", "vocab_size", "torch"}
  logits_<i>.bin  [T, vocab_size] float32 little-endian, row-major (skipped with --no-logits)
Exit codes: 0 ok, 2 bad input (unknown model_type or rope type, malformed file, missing or unexpected tensor) with a
one-line message on stderr naming the file, 1 anything else.
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

SUPPORTED = ("gpt2", "llama", "mistral", "qwen2", "qwen3", "phi3", "gemma")
ROPE_TYPES = ("default", "linear", "dynamic", "llama3")
DTYPES = {"F32": ("<f4", 4), "F16": ("<f2", 2), "BF16": ("<u2", 2), "F64": ("<f8", 8)}
MAX_HEADER = 100 * 1024 * 1024


class BadInput(Exception):
    """A problem with the input files: reported on one line, exit code 2."""


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise BadInput(f"{path}: file not found")
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise BadInput(f"{path}: not valid JSON ({e})")


def read_safetensors(path, out):
    """Adds every tensor of one safetensors file to `out` as a float32 torch tensor."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise BadInput(f"{path}: file not found")
    if size < 8:
        raise BadInput(f"{path}: shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > MAX_HEADER or 8 + n > size:
        raise BadInput(f"{path}: header length {n} runs past the end of the file ({size} bytes)")
    try:
        header = json.loads(raw[8:8 + n].decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise BadInput(f"{path}: header is not valid JSON ({e})")
    data_len = size - 8 - n
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = entry.get("dtype")
        if dtype not in DTYPES:
            raise BadInput(f"{path}: tensor '{name}' has dtype {dtype}; only {', '.join(DTYPES)} are read")
        np_type, width = DTYPES[dtype]
        shape = [int(d) for d in entry["shape"]]
        start, end = (int(v) for v in entry["data_offsets"])
        count = int(np.prod(shape)) if shape else 1
        if not (0 <= start <= end <= data_len) or end - start != count * width:
            raise BadInput(f"{path}: tensor '{name}' offsets [{start}, {end}) do not fit shape {shape} of {dtype}")
        values = np.frombuffer(raw, dtype=np_type, count=count, offset=8 + n + start)
        if dtype == "BF16":
            values = (values.astype(np.uint32) << 16).view(np.float32)  # bfloat16 is the upper half of a float32
        else:
            values = values.astype(np.float32)
        if name in out:
            raise BadInput(f"{path}: tensor '{name}' appears in more than one file")
        out[name] = torch.from_numpy(values.reshape(shape).copy())


def read_weights(folder):
    weights = {}
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        weight_map = read_json(index).get("weight_map")
        if not isinstance(weight_map, dict) or not weight_map:
            raise BadInput(f"{index}: no weight_map")
        for file in sorted(set(weight_map.values())):
            if os.path.basename(file) != file:
                raise BadInput(f"{index}: shard '{file}' is not a file name in the folder")
            read_safetensors(os.path.join(folder, file), weights)
        missing = [k for k in weight_map if k not in weights]
        if missing:
            raise BadInput(f"{index}: weight_map names '{missing[0]}', which no shard holds")
    else:
        read_safetensors(os.path.join(folder, "model.safetensors"), weights)
    return weights


class Weights:
    """Tensor lookup that records what was used, so unexpected tensors can be reported."""

    def __init__(self, tensors, folder, ignored_suffixes=()):
        self.t = tensors
        self.folder = folder
        self.used = set()
        self.ignored = ignored_suffixes

    def get(self, name, shape):
        if name not in self.t:
            raise BadInput(f"{self.folder}: the weights have no tensor '{name}'")
        value = self.t[name]
        if list(value.shape) != list(shape):
            raise BadInput(f"{self.folder}: tensor '{name}' has shape {list(value.shape)}, config.json implies {list(shape)}")
        self.used.add(name)
        return value

    def has(self, name):
        return name in self.t

    def check_all_used(self):
        for name in sorted(self.t):
            if name not in self.used and not name.endswith(self.ignored):
                raise BadInput(f"{self.folder}: unexpected tensor '{name}' for this config.json")


def cfg_int(config, path, key, default=None):
    value = config.get(key, default)
    if value is None and default is None:
        raise BadInput(f"{path}: '{key}' is missing")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise BadInput(f"{path}: '{key}' must be a positive integer (got {value!r})")
    return value


def head_matrix(w, config, path, embed, vocab, hidden):
    tied = config.get("tie_word_embeddings", config["model_type"] in ("gpt2", "gemma"))
    if tied:
        if w.has("lm_head.weight"):
            head = w.get("lm_head.weight", [vocab, hidden])
            if not torch.equal(head, embed):
                raise BadInput(f"{path}: tie_word_embeddings is true but the stored lm_head.weight differs from the embedding")
        return embed
    return w.get("lm_head.weight", [vocab, hidden])


def activation(name, path):
    if name == "silu":
        return F.silu
    if name == "gelu_pytorch_tanh":
        return lambda x: F.gelu(x, approximate="tanh")
    if name == "gelu_new":
        return lambda x: 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
    if name == "gelu":
        return lambda x: 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))
    raise BadInput(f"{path}: activation '{name}' is not supported (silu, gelu_pytorch_tanh, gelu_new, gelu)")


def nll_of(logits, ids):
    if len(ids) < 2:
        return 0.0
    logp = F.log_softmax(logits[:-1], dim=-1)
    picked = logp.gather(1, torch.tensor(ids[1:], dtype=torch.long)[:, None])
    return float(-picked.double().sum())


# ---------------------------------------------------------------------------------------------------------------
# GPT-2: LayerNorm, learned positions, Conv1D [in, out], fused c_attn split q, k, v, biases everywhere, tied head.
# ---------------------------------------------------------------------------------------------------------------
def gpt2_model(config, path, tensors, folder):
    # Original OpenAI-converted checkpoints have no "transformer." prefix and carry attention-mask buffers.
    named = {}
    for k, v in tensors.items():
        key = k if k.startswith(("transformer.", "lm_head.")) else "transformer." + k
        named[key] = v
    w = Weights(named, folder, ignored_suffixes=(".attn.bias", ".attn.masked_bias"))
    n_layer = cfg_int(config, path, "n_layer")
    n_head = cfg_int(config, path, "n_head")
    d = cfg_int(config, path, "n_embd")
    n_pos = cfg_int(config, path, "n_positions", config.get("n_ctx"))
    vocab = cfg_int(config, path, "vocab_size")
    inner = config.get("n_inner") or 4 * d
    eps = float(config.get("layer_norm_epsilon", 1e-5))
    if d % n_head:
        raise BadInput(f"{path}: n_embd {d} is not a multiple of n_head {n_head}")
    if config.get("scale_attn_by_inverse_layer_idx") or config.get("scale_attn_weights", True) is not True:
        raise BadInput(f"{path}: only scale_attn_weights true and scale_attn_by_inverse_layer_idx false are supported")
    act = activation(config.get("activation_function", "gelu_new"), path)
    hd = d // n_head
    wte = w.get("transformer.wte.weight", [vocab, d])
    wpe = w.get("transformer.wpe.weight", [n_pos, d])
    layers = []
    for i in range(n_layer):
        p = f"transformer.h.{i}."
        layers.append({
            "ln1": (w.get(p + "ln_1.weight", [d]), w.get(p + "ln_1.bias", [d])),
            "attn": (w.get(p + "attn.c_attn.weight", [d, 3 * d]), w.get(p + "attn.c_attn.bias", [3 * d])),
            "proj": (w.get(p + "attn.c_proj.weight", [d, d]), w.get(p + "attn.c_proj.bias", [d])),
            "ln2": (w.get(p + "ln_2.weight", [d]), w.get(p + "ln_2.bias", [d])),
            "fc": (w.get(p + "mlp.c_fc.weight", [d, inner]), w.get(p + "mlp.c_fc.bias", [inner])),
            "out": (w.get(p + "mlp.c_proj.weight", [inner, d]), w.get(p + "mlp.c_proj.bias", [d])),
        })
    lnf = (w.get("transformer.ln_f.weight", [d]), w.get("transformer.ln_f.bias", [d]))
    head = head_matrix(w, config, path, wte, vocab, d)
    w.check_all_used()

    def conv1d(x, wb):
        return torch.addmm(wb[1], x, wb[0])  # y = b + x W, W stored [in, out]

    def forward(ids):
        t = len(ids)
        if t > n_pos:
            raise BadInput(f"{path}: a window of {t} tokens is longer than n_positions {n_pos}")
        x = wte[torch.tensor(ids, dtype=torch.long)] + wpe[:t]
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        for L in layers:
            h = F.layer_norm(x, (d,), L["ln1"][0], L["ln1"][1], eps)
            q, k, v = conv1d(h, L["attn"]).split(d, dim=1)
            q, k, v = (z.view(t, n_head, hd).transpose(0, 1) for z in (q, k, v))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd)
            scores = scores.masked_fill(~causal, float("-inf"))
            a = torch.matmul(F.softmax(scores, dim=-1), v).transpose(0, 1).reshape(t, d)
            x = x + conv1d(a, L["proj"])
            h = F.layer_norm(x, (d,), L["ln2"][0], L["ln2"][1], eps)
            x = x + conv1d(act(conv1d(h, L["fc"])), L["out"])
        return torch.matmul(F.layer_norm(x, (d,), lnf[0], lnf[1], eps), head.t()), None

    return forward, vocab


# ---------------------------------------------------------------------------------------------------------------
# The RMSNorm + RoPE decoders: llama, mistral, qwen2, qwen3, phi3, gemma.
# ---------------------------------------------------------------------------------------------------------------
def rope_settings(config, path, head_dim):
    factor = config.get("partial_rotary_factor", 1.0)
    dim = int(head_dim * factor)
    if not (0 < factor <= 1) or dim < 2 or dim % 2:
        raise BadInput(f"{path}: partial_rotary_factor {factor} does not give an even rotary width of head_dim {head_dim}")
    theta = float(config.get("rope_theta", 10000.0))
    scaling = config.get("rope_scaling")
    if scaling is None:
        return dim, theta, "default", {}
    if not isinstance(scaling, dict):
        raise BadInput(f"{path}: rope_scaling must be an object or null")
    kind = scaling.get("rope_type", scaling.get("type"))
    if kind not in ROPE_TYPES:
        raise BadInput(f"{path}: rope_scaling type '{kind}' is not supported (supported: {', '.join(ROPE_TYPES)})")
    return dim, theta, kind, scaling


def inv_freq_for(dim, theta, kind, scaling, seq_len, max_pos, path):
    """The rotary inverse frequencies (float32) for a sequence of seq_len positions."""
    base = theta
    if kind == "dynamic":
        factor = float(scaling["factor"])
        if seq_len > max_pos:
            base = theta * ((factor * seq_len / max_pos) - (factor - 1)) ** (dim / (dim - 2))
    inv = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    if kind == "linear":
        inv = inv / float(scaling["factor"])
    elif kind == "llama3":
        try:
            factor = float(scaling["factor"])
            low = float(scaling["low_freq_factor"])
            high = float(scaling["high_freq_factor"])
            old = float(scaling["original_max_position_embeddings"])
        except KeyError as e:
            raise BadInput(f"{path}: rope_scaling llama3 needs {e.args[0]}")
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > old / low, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = (wavelen >= old / high) & (wavelen <= old / low)
        inv = torch.where(medium, smoothed, scaled)
    return inv


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_rope(x, cos, sin, dim):
    """x [heads, T, head_dim]; rotates the first `dim` dims (half-split layout), passes the rest through."""
    rot, rest = x[..., :dim], x[..., dim:]
    return torch.cat((rot * cos + rotate_half(rot) * sin, rest), dim=-1)


def rms_norm(x, weight, eps, offset):
    variance = x.pow(2).mean(-1, keepdim=True)
    normed = x * torch.rsqrt(variance + eps)
    return (offset + weight) * normed if offset else weight * normed


def decoder_model(config, path, tensors, folder):
    mt = config["model_type"]
    w = Weights(tensors, folder, ignored_suffixes=(".rotary_emb.inv_freq",))
    hidden = cfg_int(config, path, "hidden_size")
    n_layer = cfg_int(config, path, "num_hidden_layers")
    nh = cfg_int(config, path, "num_attention_heads")
    nkv = cfg_int(config, path, "num_key_value_heads", nh)
    inner = cfg_int(config, path, "intermediate_size")
    vocab = cfg_int(config, path, "vocab_size")
    max_pos = cfg_int(config, path, "max_position_embeddings")
    eps = float(config.get("rms_norm_eps", 1e-6))
    if nh % nkv:
        raise BadInput(f"{path}: num_key_value_heads {nkv} does not divide num_attention_heads {nh}")
    if config.get("head_dim") is not None:
        hd = cfg_int(config, path, "head_dim")
    elif hidden % nh:
        raise BadInput(f"{path}: hidden_size {hidden} is not a multiple of num_attention_heads {nh} and head_dim is absent")
    else:
        hd = hidden // nh
    dim, theta, kind, scaling = rope_settings(config, path, hd)
    if mt == "gemma":
        act_name = config.get("hidden_activation") or "gelu_pytorch_tanh"
    else:
        act_name = config.get("hidden_act", "silu")
    act = activation(act_name, path)
    if mt in ("qwen2", "qwen3") and config.get("use_sliding_window"):
        raise BadInput(f"{path}: use_sliding_window true is not supported")
    window = config.get("sliding_window") if mt == "mistral" else None
    qkv_bias = mt == "qwen2" or (mt == "llama" and config.get("attention_bias", False))
    o_bias = mt == "llama" and config.get("attention_bias", False)
    if mt == "llama" and config.get("mlp_bias"):
        raise BadInput(f"{path}: mlp_bias true is not supported")
    if mt == "qwen3" and config.get("attention_bias"):
        raise BadInput(f"{path}: qwen3 attention_bias true is not supported")
    offset = 1.0 if mt == "gemma" else 0.0
    q_width, kv_width = nh * hd, nkv * hd

    embed = w.get("model.embed_tokens.weight", [vocab, hidden])
    layers = []
    for i in range(n_layer):
        p = f"model.layers.{i}."
        L = {"in_norm": w.get(p + "input_layernorm.weight", [hidden]),
             "post_norm": w.get(p + "post_attention_layernorm.weight", [hidden])}
        if mt == "phi3":
            qkv = w.get(p + "self_attn.qkv_proj.weight", [q_width + 2 * kv_width, hidden])
            L["q"], L["k"], L["v"] = qkv[:q_width], qkv[q_width:q_width + kv_width], qkv[q_width + kv_width:]
            gate_up = w.get(p + "mlp.gate_up_proj.weight", [2 * inner, hidden])
            L["gate"], L["up"] = gate_up[:inner], gate_up[inner:]
        else:
            L["q"] = w.get(p + "self_attn.q_proj.weight", [q_width, hidden])
            L["k"] = w.get(p + "self_attn.k_proj.weight", [kv_width, hidden])
            L["v"] = w.get(p + "self_attn.v_proj.weight", [kv_width, hidden])
            L["gate"] = w.get(p + "mlp.gate_proj.weight", [inner, hidden])
            L["up"] = w.get(p + "mlp.up_proj.weight", [inner, hidden])
        if qkv_bias:
            L["qb"] = w.get(p + "self_attn.q_proj.bias", [q_width])
            L["kb"] = w.get(p + "self_attn.k_proj.bias", [kv_width])
            L["vb"] = w.get(p + "self_attn.v_proj.bias", [kv_width])
        L["o"] = w.get(p + "self_attn.o_proj.weight", [hidden, q_width])
        L["ob"] = w.get(p + "self_attn.o_proj.bias", [hidden]) if o_bias else None
        if mt == "qwen3":
            L["q_norm"] = w.get(p + "self_attn.q_norm.weight", [hd])
            L["k_norm"] = w.get(p + "self_attn.k_norm.weight", [hd])
        L["down"] = w.get(p + "mlp.down_proj.weight", [hidden, inner])
        layers.append(L)
    final_norm = w.get("model.norm.weight", [hidden])
    head = head_matrix(w, config, path, embed, vocab, hidden)
    w.check_all_used()
    scale = torch.tensor(hidden ** 0.5, dtype=torch.float32)  # gemma: the scalar cast to the activations' dtype
    group = nh // nkv

    def forward(ids):
        t = len(ids)
        x = embed[torch.tensor(ids, dtype=torch.long)]
        if mt == "gemma":
            x = x * scale
        inv = inv_freq_for(dim, theta, kind, scaling, t, max_pos, path)
        angles = torch.arange(t, dtype=torch.float32)[:, None] * inv[None, :]
        emb = torch.cat((angles, angles), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        pos = torch.arange(t)
        allowed = pos[None, :] <= pos[:, None]
        if window is not None:
            allowed = allowed & (pos[None, :] > pos[:, None] - window)
        for L in layers:
            h = rms_norm(x, L["in_norm"], eps, offset)
            q = F.linear(h, L["q"], L.get("qb")).view(t, nh, hd)
            k = F.linear(h, L["k"], L.get("kb")).view(t, nkv, hd)
            v = F.linear(h, L["v"], L.get("vb")).view(t, nkv, hd)
            if mt == "qwen3":
                q = rms_norm(q, L["q_norm"], eps, 0.0)
                k = rms_norm(k, L["k_norm"], eps, 0.0)
            q, k, v = q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1)
            q, k = apply_rope(q, cos, sin, dim), apply_rope(k, cos, sin, dim)
            k = k.repeat_interleave(group, dim=0)  # query head j reads KV head j // group
            v = v.repeat_interleave(group, dim=0)
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd)
            scores = scores.masked_fill(~allowed, float("-inf"))
            a = torch.matmul(F.softmax(scores, dim=-1), v).transpose(0, 1).reshape(t, q_width)
            x = x + F.linear(a, L["o"], L["ob"])
            h = rms_norm(x, L["post_norm"], eps, offset)
            x = x + F.linear(act(F.linear(h, L["gate"])) * F.linear(h, L["up"]), L["down"])
        return torch.matmul(rms_norm(x, final_norm, eps, offset), head.t()), inv

    return forward, vocab


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    flags = [a for a in argv if a.startswith("--")]
    if len(args) != 3 or any(f != "--no-logits" for f in flags):
        raise BadInput("usage: decoder_reference.py <model_folder> <windows.json> <out_folder> [--no-logits]")
    folder, windows_path, out = args
    config_path = os.path.join(folder, "config.json")
    config = read_json(config_path)
    if not isinstance(config, dict):
        raise BadInput(f"{config_path}: not a JSON object")
    mt = config.get("model_type")
    if mt not in SUPPORTED:
        raise BadInput(f"{config_path}: model_type '{mt}' is not supported (supported: {', '.join(SUPPORTED)})")
    windows = read_json(windows_path)
    windows = windows.get("windows") if isinstance(windows, dict) else None
    if not isinstance(windows, list) or not all(isinstance(w, list) and w for w in windows):
        raise BadInput(f"{windows_path}: expected {{\"windows\": [[token ids], ...]}} with non-empty windows")
    tensors = read_weights(folder)
    build = gpt2_model if mt == "gpt2" else decoder_model
    forward, vocab = build(config, config_path, tensors, folder)
    for ids in windows:
        if any(not isinstance(i, int) or i < 0 or i >= vocab for i in ids):
            raise BadInput(f"{windows_path}: a token id is outside [0, {vocab})")
    os.makedirs(out, exist_ok=True)
    nll, counts, freqs = [], [], []
    with torch.no_grad():
        for index, ids in enumerate(windows):
            logits, inv = forward(ids)
            if "--no-logits" not in flags:
                logits.numpy().astype("<f4").tofile(os.path.join(out, f"logits_{index}.bin"))
            nll.append(nll_of(logits, ids))
            counts.append(len(ids) - 1)
            freqs.append(None if inv is None else [float(f) for f in inv])
    with open(os.path.join(out, "result.json"), "w", encoding="utf-8") as f:
        json.dump({"nll": nll, "token_counts": counts, "inv_freq": freqs, "model_type": mt, "vocab_size": vocab,
                   "torch": torch.__version__}, f)


if __name__ == "__main__":
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    try:
        main(sys.argv[1:])
    except BadInput as e:
        print(f"decoder_reference.py: {e}", file=sys.stderr)
        sys.exit(2)
