using System.Numerics.Tensors;
using InvarLock.Compute;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Gpt2;

/// <summary>The GPT-2 forward pass with scratch buffers reused across windows (grown to the longest window seen).</summary>
/// <remarks>Not thread-safe: one window at a time. All activations live in the scratch buffers (no per-token
/// allocation), and the output head is computed in vocabulary chunks with an online log-sum-exp, so at most
/// <c>tokens × <see cref="VocabChunk"/></c> logits exist at once.</remarks>
internal sealed class Gpt2Forward
{
    /// <summary>Vocabulary columns per output-head GEMM.</summary>
    internal const int VocabChunk = 2048;

    private readonly Gpt2Config _config;
    private readonly int _threads;
    private readonly bool _exactGelu;
    private int _capacity;
    private float[] _x = [];
    private float[] _h = [];
    private float[] _qkv = [];
    private float[] _attn = [];
    private float[] _proj = [];
    private float[] _ff = [];
    private float[] _logits = [];
    private double[] _rowMax = [];
    private double[] _rowSum = [];
    private float[] _target = [];

    internal Gpt2Forward(Gpt2Config config, int threads)
    {
        _config = config;
        _threads = Math.Max(1, threads);
        _exactGelu = config.ActivationFunction == "gelu";
    }

    /// <summary>Next-token loss of one window: Σ over positions 0..T−2 of −log p(token[t+1] | tokens[..t]).</summary>
    internal WindowLoss WindowLoss(Gpt2Weights weights, ReadOnlySpan<int> tokens, int windowIndex, TapPlan? taps)
    {
        int length = tokens.Length;
        if (length == 0)
        {
            return new WindowLoss(0.0, 0);
        }
        RunTrunk(weights, tokens, windowIndex, taps);
        if (taps is not null && taps.Wants(taps.HeadIndex))
        {
            float[] full = new float[checked(length * _config.VocabSize)];
            HeadLogits(weights, length, full);
            taps.Deliver(taps.HeadIndex, windowIndex, full, length, _config.VocabSize);
        }
        int predictions = length - 1;
        if (predictions == 0)
        {
            return new WindowLoss(0.0, 0);
        }
        return new WindowLoss(HeadLoss(weights, tokens, predictions), predictions);
    }

    /// <summary>The logits of every position, [T, vocab] row-major.</summary>
    internal float[] Logits(Gpt2Weights weights, ReadOnlySpan<int> tokens)
    {
        int length = tokens.Length;
        var logits = new float[length * _config.VocabSize];
        if (length == 0)
        {
            return logits;
        }
        RunTrunk(weights, tokens, 0, null);
        HeadLogits(weights, length, logits);
        return logits;
    }

    /// <summary>Embeddings, every block and the final layer norm; leaves ln_f's output in <see cref="_h"/>.</summary>
    private void RunTrunk(Gpt2Weights w, ReadOnlySpan<int> tokens, int windowIndex, TapPlan? taps)
    {
        Gpt2Config c = _config;
        int t = tokens.Length;
        int d = c.NEmbd;
        if (t > c.NPositions)
        {
            throw new InvarLockException(ErrorCodes.Usage,
                $"gpt2: window {windowIndex} has {t} tokens; the model supports at most {c.NPositions} (n_positions)");
        }
        foreach (int id in tokens)
        {
            if ((uint)id >= (uint)c.VocabSize)
            {
                throw new InvarLockException(ErrorCodes.Usage,
                    $"gpt2: window {windowIndex} holds token id {id}, outside the vocabulary [0, {c.VocabSize})");
            }
        }
        EnsureCapacity(t);
        Span<float> x = _x.AsSpan(0, t * d);
        Span<float> h = _h.AsSpan(0, t * d);
        ReadOnlySpan<float> positions = w.PositionEmbedding.AsSpan(0, t * d);

        // Embeddings: x = wte[token] + wpe[position].
        for (int i = 0; i < t; i++)
        {
            w.TokenEmbedding.AsSpan(tokens[i] * d, d).CopyTo(h.Slice(i * d, d));
        }
        Tap(taps, 0, windowIndex, h, t, d);
        Tap(taps, 1, windowIndex, positions, t, d);
        TensorPrimitives.Add(h, positions, x);

        for (int layer = 0; layer < c.NLayer; layer++)
        {
            Gpt2BlockWeights b = w.Blocks[layer];
            int module = 2 + 6 * layer;
            // Attention sub-block.
            LayerNorm.Apply(x, h, t, d, b.Ln1Weight, b.Ln1Bias, c.LayerNormEpsilon);
            Tap(taps, module, windowIndex, h, t, d);
            Span<float> qkv = _qkv.AsSpan(0, t * 3 * d);
            Gemm.MatMul(h, b.AttnWeight, qkv, t, d, 3 * d, b.AttnBias, threads: _threads);
            Tap(taps, module + 1, windowIndex, qkv, t, 3 * d);
            Attention(t);
            Span<float> proj = _proj.AsSpan(0, t * d);
            Gemm.MatMul(_attn.AsSpan(0, t * d), b.AttnProjWeight, proj, t, d, d, b.AttnProjBias, threads: _threads);
            Tap(taps, module + 2, windowIndex, proj, t, d);
            TensorPrimitives.Add(x, proj, x);
            // MLP sub-block.
            LayerNorm.Apply(x, h, t, d, b.Ln2Weight, b.Ln2Bias, c.LayerNormEpsilon);
            Tap(taps, module + 3, windowIndex, h, t, d);
            int inner = c.InnerSize;
            Span<float> ff = _ff.AsSpan(0, t * inner);
            Gemm.MatMul(h, b.FcWeight, ff, t, d, inner, b.FcBias, threads: _threads);
            Tap(taps, module + 4, windowIndex, ff, t, inner);
            if (_exactGelu)
            {
                Activations.GeluErf(ff, ff, _threads);
            }
            else
            {
                Activations.GeluTanh(ff, ff, _threads);
            }
            Gemm.MatMul(ff, b.MlpProjWeight, proj, t, inner, d, b.MlpProjBias, threads: _threads);
            Tap(taps, module + 5, windowIndex, proj, t, d);
            TensorPrimitives.Add(x, proj, x);
        }
        LayerNorm.Apply(x, h, t, d, w.FinalNormWeight, w.FinalNormBias, c.LayerNormEpsilon);
        Tap(taps, 2 + 6 * c.NLayer, windowIndex, h, t, d);
    }

    private static void Tap(TapPlan? taps, int module, int windowIndex, ReadOnlySpan<float> values, int tokens, int width)
    {
        if (taps is not null && taps.Wants(module))
        {
            taps.Deliver(module, windowIndex, values, tokens, width);
        }
    }

    /// <summary>Causal multi-head attention from <see cref="_qkv"/> [T, 3d] (q, k, v column blocks) into <see cref="_attn"/> [T, d].</summary>
    private void Attention(int t)
    {
        int d = _config.NEmbd;
        int hd = _config.HeadSize;
        ReadOnlySpan<float> qkv = _qkv.AsSpan(0, t * 3 * d);
        CausalAttention.Apply(qkv, 3 * d, qkv[d..], 3 * d, qkv[(2 * d)..], 3 * d, _attn.AsSpan(0, t * d), d,
            t, _config.NHead, _config.NHead, hd, 1f / MathF.Sqrt(hd), slidingWindow: 0, threads: _threads);
    }

    /// <summary>Σ_r [logsumexp(logits_r) − logits_r[token_{r+1}]] with the head applied vocabulary chunk by chunk.</summary>
    private double HeadLoss(Gpt2Weights w, ReadOnlySpan<int> tokens, int rows)
    {
        int d = _config.NEmbd;
        int vocab = _config.VocabSize;
        ReadOnlySpan<float> h = _h.AsSpan(0, rows * d);
        double[] rowMax = _rowMax;
        double[] rowSum = _rowSum;
        float[] target = _target;
        int[] targets = tokens[1..].ToArray();
        for (int j0 = 0; j0 < vocab; j0 += VocabChunk)
        {
            int nc = Math.Min(VocabChunk, vocab - j0);
            Span<float> logits = _logits.AsSpan(0, rows * nc);
            Gemm.Multiply(false, true, rows, nc, d, h, d, w.Head.AsSpan(j0 * d), d, logits, nc, threads: _threads);
            bool first = j0 == 0;
            int chunkStart = j0;
            float[] buffer = _logits;
            ForRows(rows, r =>
            {
                ReadOnlySpan<float> row = buffer.AsSpan(r * nc, nc);
                float max = TensorPrimitives.Max(row);
                double sum = Softmax.SumExpShifted(row, max);
                if (first)
                {
                    rowMax[r] = max;
                    rowSum[r] = sum;
                }
                else
                {
                    double m = Math.Max(rowMax[r], max);
                    rowSum[r] = rowSum[r] * Math.Exp(rowMax[r] - m) + sum * Math.Exp(max - m);
                    rowMax[r] = m;
                }
                int local = targets[r] - chunkStart;
                if ((uint)local < (uint)nc)
                {
                    target[r] = row[local];
                }
            });
        }
        double loss = 0.0;
        for (int r = 0; r < rows; r++)
        {
            loss += rowMax[r] + Math.Log(rowSum[r]) - target[r];
        }
        return loss;
    }

    private void HeadLogits(Gpt2Weights w, int rows, float[] logits)
    {
        int d = _config.NEmbd;
        int vocab = _config.VocabSize;
        Gemm.Multiply(false, true, rows, vocab, d, _h.AsSpan(0, rows * d), d, w.Head, d, logits, vocab, threads: _threads);
    }

    private void ForRows(int rows, Action<int> body)
    {
        if (_threads <= 1 || rows < 32)
        {
            for (int r = 0; r < rows; r++)
            {
                body(r);
            }
            return;
        }
        Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = _threads }, body);
    }

    private void EnsureCapacity(int t)
    {
        if (t <= _capacity)
        {
            return;
        }
        Gpt2Config c = _config;
        int d = c.NEmbd;
        _x = new float[t * d];
        _h = new float[t * d];
        _qkv = new float[t * 3 * d];
        _attn = new float[t * d];
        _proj = new float[t * d];
        _ff = new float[t * c.InnerSize];
        _logits = new float[t * Math.Min(VocabChunk, c.VocabSize)];
        _rowMax = new double[t];
        _rowSum = new double[t];
        _target = new float[t];
        _capacity = t;
    }
}
