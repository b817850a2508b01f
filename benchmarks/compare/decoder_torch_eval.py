#!/usr/bin/python3
"""PyTorch CPU side of benchmarks/compare/run.sh for RMSNorm + RoPE decoders (the generated LLaMA checkpoint).

The model math is tests/tools/decoder_reference.py's (the parity oracle: float32 torch ops, no `transformers`; BF16 and
F16 weights are widened to float32 when read, so torch computes in f32). This script only adds the timing: it reads the
token windows that `InvarLock.Benchmarks --quick eval DIR --windows-out FILE` wrote, evaluates one window as a warm-up,
then times the full forward pass (logits at every position) and the next-token loss sum of every window, best of
--repeats passes, and prints tokens/s. When the windows file carries InvarLock's loss sums it compares them and exits 1
if any differs by more than --rtol (relative). GPT-2 checkpoints: benchmarks/compare-pytorch/gpt2_torch_eval.py.

Usage: /usr/bin/python3 decoder_torch_eval.py --windows FILE --threads T [--model DIR] [--repeats 3] [--rtol 1e-4]
       [--json-out FILE]
"""

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "tools"))
sys.path.insert(0, os.path.join(HERE, "..", "compare-pytorch"))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--windows", required=True, help="JSON written by InvarLock.Benchmarks --quick eval --windows-out")
    p.add_argument("--model", help="checkpoint folder (default: the one named in the windows file)")
    p.add_argument("--threads", type=int, required=True, help="torch.set_num_threads (and OpenBLAS threads)")
    p.add_argument("--repeats", type=int, default=3, help="timed runs over all windows; the best is reported")
    p.add_argument("--rtol", type=float, default=1e-4, help="relative tolerance against InvarLock's loss sums")
    p.add_argument("--json-out", help="write the result as JSON here")
    return p.parse_args()


def main():
    args = parse_args()
    # OpenBLAS (Debian's torch calls the system BLAS) reads its thread count at load time.
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch
    import decoder_reference as ref
    from gpt2_torch_eval import blas_library

    torch.set_num_threads(args.threads)
    with open(args.windows, encoding="utf-8") as f:
        spec = json.load(f)
    folder = args.model or spec["model"]
    seq_len = spec["seq_len"]
    windows = spec["windows"]
    config_path = os.path.join(folder, "config.json")
    try:
        config = ref.read_json(config_path)
        if config.get("model_type") not in ref.SUPPORTED or config.get("model_type") == "gpt2":
            raise ref.BadInput(f"{config_path}: model_type '{config.get('model_type')}' is not an RMSNorm + RoPE decoder "
                               "(GPT-2: benchmarks/compare-pytorch/gpt2_torch_eval.py)")
        load = time.perf_counter()
        forward, _ = ref.decoder_model(config, config_path, ref.read_weights(folder), folder)
        load = time.perf_counter() - load
    except ref.BadInput as e:
        print(f"decoder_torch_eval.py: {e}", file=sys.stderr)
        return 2

    def window_loss(ids):
        logits, _ = forward(ids)
        return ref.nll_of(logits, ids)

    with torch.inference_mode():
        window_loss(windows[0])  # warm-up
        seconds = []
        losses = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            losses = [window_loss(w) for w in windows]
            seconds.append(time.perf_counter() - start)
    best = min(seconds)
    tokens_per_second = len(windows) * seq_len / best
    print(f"torch {torch.__version__}: threads {torch.get_num_threads()}, BLAS {blas_library()}; load {load:.1f} s")
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
        status = 0 if ok else 1
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump({"engine": "torch", "torch_version": torch.__version__, "threads": args.threads, "seq_len": seq_len,
                       "windows": len(windows), "seconds": seconds, "tokens_per_second": tokens_per_second,
                       "loss_sums": losses, "max_relative_difference": worst, "blas": blas_library()}, f, indent=1)
    return status


if __name__ == "__main__":
    sys.exit(main())
