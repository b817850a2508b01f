#!/usr/bin/python3
"""Independent golden values for InvarLock's statistics, computed with numpy/scipy.

Run with the Debian interpreter (/usr/bin/python3, packages python3-numpy and python3-scipy).
Prints one JSON document on stdout; the C# test BootstrapGoldenTests compares against it.

The bootstrap below restates the reference algorithm (evaluation.md section 4.2) with numpy's own
default_rng (PCG64), which InvarLock's Pcg64Random reproduces, so the intervals must agree to rounding.
"""
import json
import math

import numpy as np
from scipy import special, stats


def pct_bounds(sorted_stats, alpha):
    return (float(np.percentile(sorted_stats, 100 * alpha / 2)),
            float(np.percentile(sorted_stats, 100 * (1 - alpha / 2))))


def bca_bounds(sorted_stats, theta, jack, alpha):
    z0 = stats.norm.ppf(np.clip(np.mean(sorted_stats < theta), 1e-6, 1 - 1e-6))
    jm = np.mean(jack)
    num = np.sum((jm - jack) ** 3)
    den = 6.0 * (np.sum((jm - jack) ** 2) ** 1.5)
    if den == 0:
        return pct_bounds(sorted_stats, alpha), "bca_percentile_fallback"
    a = num / den
    out = []
    for za in (stats.norm.ppf(alpha / 2), stats.norm.ppf(1 - alpha / 2)):
        pct = stats.norm.cdf(z0 + (z0 + za) / max(1 - a * (z0 + za), 1e-12))
        out.append(float(np.quantile(sorted_stats, pct)))
    return tuple(out), "bca"


def paired(subject, baseline, weights, method, reps, alpha, seed):
    n = min(len(subject), len(baseline))
    d = np.asarray(subject[:n], float) - np.asarray(baseline[:n], float)
    w = None
    if weights is not None and len(weights) == n:
        ww = np.asarray(weights, float)
        if np.all(np.isfinite(ww)) and np.all(ww >= 0) and ww.sum() > 0 and not np.allclose(ww, ww[0]):
            w = ww
    if np.allclose(d, d[0]):
        m = float(np.mean(d))
        return (m, m), "collapsed", False
    rng = np.random.default_rng(seed)
    st = np.empty(reps)
    for r in range(reps):
        idx = rng.integers(0, n, size=n) if w is None else rng.choice(n, size=n, replace=True, p=w / w.sum())
        st[r] = np.mean(d[idx])
    st.sort()
    if method == "percentile":
        return pct_bounds(st, alpha), "percentile", w is not None
    if w is None:
        theta = np.mean(d)
        jack = (np.sum(d) - d) / (n - 1)
    else:
        swx = np.sum(w * d)
        sw = np.sum(w)
        theta = swx / sw
        jack = np.where(sw - w > 0, (swx - w * d) / np.where(sw - w > 0, sw - w, 1), theta)
    b, path = bca_bounds(st, theta, jack, alpha)
    return b, path, w is not None


def main():
    gen = np.random.default_rng(20240611)
    cases = []
    for i in range(24):
        n = int(gen.integers(2, 90))
        base = gen.normal(3.0, 0.4, n)
        shift = gen.normal(0.02 * (i % 5), 0.05 + 0.1 * gen.random(), n)
        if i % 6 == 5:
            shift = np.abs(shift) ** 1.7  # skewed deltas
        subj = base + shift
        weights = None
        if i % 3 == 1:
            weights = [float(v) for v in gen.integers(1, 512, n)]
        elif i % 3 == 2:
            weights = [128.0] * n  # equal weights -> unweighted path
        method = "bca" if i % 4 != 3 else "percentile"
        reps = int(gen.choice([200, 257, 1000]))
        alpha = float(gen.choice([0.05, 0.1, 0.01]))
        seed = int(gen.integers(0, 2**40))
        (lo, hi), path, weighted = paired(list(subj), list(base), weights, method, reps, alpha, seed)
        cases.append(dict(subject=[float(v) for v in subj], baseline=[float(v) for v in base], weights=weights,
                          method=method, replicates=reps, alpha=alpha, seed=seed,
                          lower=lo, upper=hi, path=path, weighted=bool(weighted)))

    # Independent BCa (scipy.stats.bootstrap, different RNG): agreement within Monte-Carlo error only.
    mc = []
    for i in range(4):
        n = 60 + 20 * i
        x = gen.gamma(2.0, 0.05, n) - 0.02
        res = stats.bootstrap((x,), np.mean, n_resamples=20000, confidence_level=0.95, method="BCa",
                              random_state=np.random.default_rng(i))
        mc.append(dict(values=[float(v) for v in x], lower=float(res.confidence_interval.low),
                       upper=float(res.confidence_interval.high), std_error=float(res.standard_error)))

    probs = [1e-12, 1e-6, 0.001, 0.01, 0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.975, 0.99, 0.999999]
    zs = [-8.0, -6.0, -4.5, -3.0, -2.5, -1.96, -1.0, -0.3, 0.0, 0.4, 1.0, 1.644, 2.2, 3.5, 5.0, 7.5]
    xs = [-700.0, -30.5, -2.0, -0.75, -1e-9, 0.0, 3e-9, 0.3, 0.34657359, 1.0, 1.2, 2.5, 20.0, 88.7, 700.0]
    pos = [1e-300, 1e-10, 0.001, 0.5, 0.999999, 1.0, 1.0000001, 1.5, 2.0, 10.0, 12345.678, 1e100, 1.7e308]
    print(json.dumps(dict(
        paired=cases,
        monte_carlo=mc,
        normal_quantile=[[p, float(stats.norm.ppf(p))] for p in probs],
        normal_cdf=[[z, float(0.5 * (1 + math.erf(z / math.sqrt(2))))] for z in zs],
        erf=[[z, float(special.erf(z))] for z in zs],
        exp=[[x, math.exp(x)] for x in xs],
        log=[[x, math.log(x)] for x in pos],
        pairwise=[dict(values=[float(v) for v in a], total=float(np.sum(a)), mean=float(np.mean(a)))
                  for a in (gen.normal(0, 1, m) * 1e3 for m in (1, 7, 8, 9, 17, 128, 129, 300, 1000))],
    )))


if __name__ == "__main__":
    main()
