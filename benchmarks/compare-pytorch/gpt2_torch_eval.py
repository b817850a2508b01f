#!/usr/bin/python3
"""PyTorch CPU reference for InvarLock's GPT-2 evaluation throughput.

An independent float32 GPT-2 forward pass written with torch.nn.functional only (no transformers). It reads the
same Hugging Face folder InvarLock reads (config.json + model.safetensors, parsed by hand) and the token windows
that `InvarLock.Benchmarks --quick eval DIR --windows-out FILE` wrote, evaluates one window as a warm-up, then times
the evaluation of every window (best of --repeats runs), and prints tokens/s and each window's next-token loss sum.
When the windows file carries InvarLock's loss sums, it compares them and exits 1 if any differs by more than
--rtol (relative).

Usage: /usr/bin/python3 gpt2_torch_eval.py --windows FILE --threads T [--model DIR] [--repeats 3] [--rtol 1e-4]
       [--json-out FILE]
"""

import argparse
import json
import math
import os
import struct
import sys
import time

DTYPES = {"F32": ("float32", 4), "F16": ("float16", 2), "BF16": ("bfloat16", 2), "F64": ("float64", 8)}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--windows", required=True, help="JSON written by InvarLock.Benchmarks --quick eval --windows-out")
    p.add_argument("--model", help="checkpoint folder (default: the one named in the windows file)")
    p.add_argument("--threads", type=int, required=True, help="torch.set_num_threads (and OpenBLAS threads)")
    p.add_argument("--repeats", type=int, default=3, help="timed runs over all windows; the best is reported")
    p.add_argument("--rtol", type=float, default=1e-4, help="relative tolerance against InvarLock's loss sums")
    p.add_argument("--json-out", help="write the result as JSON here")
    return p.parse_args()


def load_safetensors(path, torch):
    """Reads a safetensors file: 8-byte little-endian header length, JSON header, then raw little-endian bytes."""
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype, size = DTYPES[entry["dtype"]]
        begin, end = entry["data_offsets"]
        count = (end - begin) // size
        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=getattr(torch, dtype), count=count)
        tensors[name] = flat.reshape(entry["shape"]).to(torch.float32)
    return tensors


def strip_prefix(name):
    return name[len("transformer."):] if name.startswith("transformer.") else name


class Gpt2:
    """GPT-2 (Hugging Face layout, Conv1D weights stored [in, out]) in torch.nn.functional."""

    def __init__(self, folder, torch):
        self.torch = torch
        import torch.nn.functional as F  # noqa: N812
        self.F = F
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        self.n_layer = cfg["n_layer"]
        self.n_head = cfg["n_head"]
        self.n_embd = cfg["n_embd"]
        self.eps = cfg.get("layer_norm_epsilon", 1e-5)
        act = cfg.get("activation_function", "gelu_new")
        self.gelu_approx = "none" if act == "gelu" else "tanh"
        raw = load_safetensors(os.path.join(folder, "model.safetensors"), torch)
        self.w = {strip_prefix(k): v.contiguous() for k, v in raw.items()}
        self.head = self.w["lm_head.weight"] if "lm_head.weight" in self.w else self.w["wte.weight"]

    def window_loss(self, ids):
        """Σ over t of −log p(ids[t+1] | ids[..t]) for one window (natural log), as a Python float."""
        torch, F, w = self.torch, self.F, self.w
        t = ids.shape[0]
        d, nh = self.n_embd, self.n_head
        hd = d // nh
        x = w["wte.weight"][ids] + w["wpe.weight"][:t]
        mask = torch.full((t, t), float("-inf")).triu(1)
        scale = 1.0 / math.sqrt(hd)
        for i in range(self.n_layer):
            p = f"h.{i}."
            h = F.layer_norm(x, (d,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], self.eps)
            qkv = torch.addmm(w[p + "attn.c_attn.bias"], h, w[p + "attn.c_attn.weight"])
            q, k, v = qkv.split(d, dim=1)
            q = q.view(t, nh, hd).transpose(0, 1)
            k = k.view(t, nh, hd).transpose(0, 1)
            v = v.view(t, nh, hd).transpose(0, 1)
            scores = torch.baddbmm(mask, q, k.transpose(1, 2), alpha=scale)
            att = torch.softmax(scores, dim=-1)
            y = torch.bmm(att, v).transpose(0, 1).reshape(t, d)
            x = x + torch.addmm(w[p + "attn.c_proj.bias"], y, w[p + "attn.c_proj.weight"])
            h = F.layer_norm(x, (d,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], self.eps)
            ff = F.gelu(torch.addmm(w[p + "mlp.c_fc.bias"], h, w[p + "mlp.c_fc.weight"]), approximate=self.gelu_approx)
            x = x + torch.addmm(w[p + "mlp.c_proj.bias"], ff, w[p + "mlp.c_proj.weight"])
        h = F.layer_norm(x[:-1], (d,), w["ln_f.weight"], w["ln_f.bias"], self.eps)
        logits = h @ self.head.t()
        nll = torch.logsumexp(logits, dim=1) - logits.gather(1, ids[1:].unsqueeze(1)).squeeze(1)
        return float(nll.double().sum())


def main():
    args = parse_args()
    # OpenBLAS (Debian's torch calls the system BLAS) reads its thread count at load time.
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    with open(args.windows, encoding="utf-8") as f:
        spec = json.load(f)
    folder = args.model or spec["model"]
    seq_len = spec["seq_len"]
    windows = [torch.tensor(w, dtype=torch.long) for w in spec["windows"]]
    model = Gpt2(folder, torch)

    with torch.inference_mode():
        model.window_loss(windows[0])  # warm-up
        seconds = []
        losses = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            losses = [model.window_loss(w) for w in windows]
            seconds.append(time.perf_counter() - start)
    best = min(seconds)
    tokens_per_second = len(windows) * seq_len / best
    print(f"torch {torch.__version__}: threads {torch.get_num_threads()}, "
          f"BLAS {blas_library()}")
    print(f"torch eval: {len(windows)} windows x {seq_len} tokens, threads {args.threads}: best {best:.3f} s of "
          f"[{', '.join(f'{s:.3f}' for s in seconds)}], {tokens_per_second:.1f} tokens/s")
    print("loss sums: " + " ".join(repr(v) for v in losses))

    status = 0
    ours = spec.get("invarlock", {}).get("loss_sums")
    worst = None
    if ours:
        worst = max(abs(a - b) / max(abs(b), 1e-30) for a, b in zip(ours, losses))
        ok = len(ours) == len(losses) and worst <= args.rtol
        print(f"loss sums vs InvarLock: max relative difference {worst:.3e} (rtol {args.rtol:g}): "
              f"{'agree' if ok else 'DISAGREE'}")
        ours_tps = spec["invarlock"].get("tokens_per_second")
        if ours_tps:
            print(f"throughput InvarLock / torch: {ours_tps:.1f} / {tokens_per_second:.1f} = "
                  f"{ours_tps / tokens_per_second:.2f}x")
        status = 0 if ok else 1
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump({"torch_version": torch.__version__, "threads": args.threads, "seq_len": seq_len,
                       "windows": len(windows), "seconds": seconds, "tokens_per_second": tokens_per_second,
                       "loss_sums": losses, "max_relative_difference": worst, "blas": blas_library()}, f, indent=1)
    return status


def blas_library():
    """The BLAS shared library this process mapped (Debian's torch uses the libblas.so.3 alternative)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
        return ", ".join(sorted(os.path.realpath(p) for p in paths)) or "none mapped"
    except OSError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
