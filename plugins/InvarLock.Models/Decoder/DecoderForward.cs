using System.Globalization;
using System.Numerics.Tensors;
using InvarLock.Compute;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Decoder;

/// <summary>The one decoder forward pass: every family runs through it, driven by its <see cref="DecoderConfig"/>.
/// Scratch buffers are reused across windows (grown to the longest window seen).</summary>
/// <remarks>Not thread-safe: one window at a time. Compute is float32 whatever the stored type: 16-bit weights are
/// widened inside the GEMM's packing, embedding rows as they are gathered. The output head is not applied here: the caller
/// gets the final hidden states and a <see cref="LinearOutputHead"/> and pulls logits in vocabulary chunks. Module outputs
/// go to the taps by (role, layer) in execution order.</remarks>
internal sealed class DecoderForward
{
    /// <summary>Vocabulary columns per output-head GEMM (the head's <see cref="LinearOutputHead.ColumnBlock"/>).</summary>
    internal const int VocabChunk = 2048;

    private readonly DecoderConfig _c;
    private readonly int _threads;
    private readonly int[,] _moduleIndex;
    private readonly int _headModule;
    private int _capacity;
    private float[] _x = [];
    private float[] _h = [];
    private float[] _qkv = [];
    private float[] _attn = [];
    private float[] _proj = [];
    private float[] _ff = [];
    private float[] _act = [];
    private float[] _logits = [];
    private float[]? _fixedInverseFrequencies;
    private float[] _cos = [];
    private float[] _sin = [];

    internal DecoderForward(DecoderConfig config, IReadOnlyList<ModuleInfo> modules, int threads)
    {
        _c = config;
        _threads = Math.Max(1, threads);
        int roles = Enum.GetValues<ModuleRole>().Length;
        _moduleIndex = new int[config.Layers + 1, roles];
        for (int l = 0; l <= config.Layers; l++)
        {
            for (int r = 0; r < roles; r++)
            {
                _moduleIndex[l, r] = -1;
            }
        }
        _headModule = -1;
        for (int i = 0; i < modules.Count; i++)
        {
            _moduleIndex[modules[i].Layer + 1, (int)modules[i].Role] = i;
            if (modules[i].Role == ModuleRole.OutputHead)
            {
                _headModule = i;
            }
        }
        if (config.Rotary is { DependsOnLength: false } rotary)
        {
            _fixedInverseFrequencies = rotary.InverseFrequencies(0, config.MaxPositions);
        }
    }

    /// <summary>Runs the trunk on one window and returns the final norm's output, [T, hidden] row-major (borrowed: valid
    /// until the next call). Delivers the head's logits to a tap that asks for them.</summary>
    internal ReadOnlySpan<float> Hidden(DecoderWeights weights, ReadOnlySpan<int> tokens, int windowIndex, TapPlan? taps, LinearOutputHead head)
    {
        int length = tokens.Length;
        if (length == 0)
        {
            return [];
        }
        RunTrunk(weights, tokens, windowIndex, taps);
        ReadOnlySpan<float> hidden = _h.AsSpan(0, length * _c.Hidden);
        if (taps is not null && taps.Wants(_headModule))
        {
            float[] full = new float[checked(length * _c.Vocab)];
            HeadLogits(head, hidden, length, full);
            taps.Deliver(_headModule, windowIndex, full, length, _c.Vocab);
        }
        return hidden;
    }

    /// <summary>The logits of every position, [T, vocab] row-major.</summary>
    internal float[] Logits(DecoderWeights weights, ReadOnlySpan<int> tokens, LinearOutputHead head)
    {
        int length = tokens.Length;
        var logits = new float[checked(length * _c.Vocab)];
        if (length == 0)
        {
            return logits;
        }
        RunTrunk(weights, tokens, 0, null);
        HeadLogits(head, _h.AsSpan(0, length * _c.Hidden), length, logits);
        return logits;
    }

    /// <summary>The rotary inverse frequencies a window of <paramref name="length"/> tokens uses (null without RoPE).</summary>
    internal float[]? InverseFrequencies(int length) =>
        _c.Rotary is null ? null : _fixedInverseFrequencies ?? _c.Rotary.InverseFrequencies(length, _c.MaxPositions);

    /// <summary>Embeddings, every block and the final norm; leaves the final norm's output in <see cref="_h"/>.</summary>
    private void RunTrunk(DecoderWeights w, ReadOnlySpan<int> tokens, int windowIndex, TapPlan? taps)
    {
        DecoderConfig c = _c;
        int t = tokens.Length;
        int d = c.Hidden;
        if (c.Position == PositionKind.Learned && t > c.MaxPositions)
        {
            throw new InvarLockException(ErrorCodes.Usage, string.Create(CultureInfo.InvariantCulture,
                $"{c.ModelType}: window {windowIndex} has {t} tokens; the model supports at most {c.MaxPositions} (n_positions)"));
        }
        RequiredTensors.RequireInVocabulary(tokens, c.Vocab, c.ModelType, windowIndex);
        EnsureCapacity(t);
        Span<float> x = _x.AsSpan(0, t * d);
        Span<float> h = _h.AsSpan(0, t * d);

        for (int i = 0; i < t; i++)
        {
            w.TokenEmbedding.Widen((long)tokens[i] * d, x.Slice(i * d, d));
        }
        Tap(taps, ModuleRole.TokenEmbedding, -1, windowIndex, x, t, d);
        if (c.Position == PositionKind.Learned)
        {
            w.PositionEmbedding.Widen(0, h);
            Tap(taps, ModuleRole.PositionEmbedding, -1, windowIndex, h, t, d);
            TensorPrimitives.Add(x, h, x);
        }
        if (c.EmbeddingScale != 1f)
        {
            TensorPrimitives.Multiply(x, c.EmbeddingScale, x);
        }
        if (c.Rotary is not null)
        {
            float[] inverse = InverseFrequencies(t)!;
            Rotary.Tables(inverse, 0, t, _cos, _sin);
        }

        for (int layer = 0; layer < c.Layers; layer++)
        {
            DecoderBlockWeights b = w.Blocks[layer];
            Normalize(x, h, t, b.AttentionNormWeight, b.AttentionNormBias);
            Tap(taps, ModuleRole.AttentionNorm, layer, windowIndex, h, t, d);
            Attention(b, layer, t, windowIndex, taps);
            Span<float> proj = _proj.AsSpan(0, t * d);
            Project(_attn.AsSpan(0, t * c.QueryWidth), t, c.QueryWidth, b.Output, d, b.OutputBias, proj, d);
            Tap(taps, ModuleRole.AttentionOutput, layer, windowIndex, proj, t, d);
            TensorPrimitives.Add(x, proj, x);

            Normalize(x, h, t, b.MlpNormWeight, b.MlpNormBias);
            Tap(taps, ModuleRole.MlpNorm, layer, windowIndex, h, t, d);
            ReadOnlySpan<float> hidden = Mlp(b, layer, t, windowIndex, taps);
            Project(hidden, t, c.Intermediate, b.Down, d, b.DownBias, proj, d);
            Tap(taps, ModuleRole.Down, layer, windowIndex, proj, t, d);
            TensorPrimitives.Add(x, proj, x);
        }
        Normalize(x, h, t, w.FinalNormWeight, w.FinalNormBias);
        Tap(taps, ModuleRole.FinalNorm, -1, windowIndex, h, t, d);
    }

    private void Normalize(ReadOnlySpan<float> x, Span<float> h, int t, float[] weight, float[]? bias)
    {
        if (_c.Norm == NormKind.LayerNorm)
        {
            LayerNorm.Apply(x, h, t, _c.Hidden, weight, bias, _c.NormEpsilon);
        }
        else
        {
            RmsNorm.Apply(x, h, t, _c.Hidden, weight, _c.NormEpsilon, _c.NormUnitOffset);
        }
    }

    /// <summary>q, k, v projections (fused or not), per-head q/k norms, rotation, then causal attention into <see cref="_attn"/>.</summary>
    private void Attention(DecoderBlockWeights b, int layer, int t, int windowIndex, TapPlan? taps)
    {
        DecoderConfig c = _c;
        int d = c.Hidden;
        int qw = c.QueryWidth;
        int kvw = c.KeyValueWidth;
        ReadOnlySpan<float> h = _h.AsSpan(0, t * d);
        Span<float> q, k, v;
        int ldq, ldk, ldv;
        if (c.FusedQkv)
        {
            int total = qw + 2 * kvw;
            Span<float> qkv = _qkv.AsSpan(0, t * total);
            Project(h, t, d, b.QkvFused, total, b.QkvBias, qkv, total);
            Tap(taps, ModuleRole.FusedQkv, layer, windowIndex, qkv, t, total);
            q = qkv;
            k = qkv[qw..];
            v = qkv[(qw + kvw)..];
            ldq = ldk = ldv = total;
        }
        else
        {
            q = _qkv.AsSpan(0, t * qw);
            k = _qkv.AsSpan(t * qw, t * kvw);
            v = _qkv.AsSpan(t * (qw + kvw), t * kvw);
            Project(h, t, d, b.Query, qw, b.QueryBias, q, qw);
            Tap(taps, ModuleRole.Query, layer, windowIndex, q, t, qw);
            Project(h, t, d, b.Key, kvw, b.KeyBias, k, kvw);
            Tap(taps, ModuleRole.Key, layer, windowIndex, k, t, kvw);
            Project(h, t, d, b.Value, kvw, b.ValueBias, v, kvw);
            Tap(taps, ModuleRole.Value, layer, windowIndex, v, t, kvw);
            ldq = qw;
            ldk = ldv = kvw;
        }
        if (c.QueryKeyNorm)
        {
            RmsNorm.ApplyToHeads(q, t, ldq, c.Heads, c.HeadDim, b.QueryNormWeight, c.NormEpsilon, unitOffset: false);
            Tap(taps, ModuleRole.QueryNorm, layer, windowIndex, q, t, qw);
            RmsNorm.ApplyToHeads(k, t, ldk, c.KeyValueHeads, c.HeadDim, b.KeyNormWeight, c.NormEpsilon, unitOffset: false);
            Tap(taps, ModuleRole.KeyNorm, layer, windowIndex, k, t, kvw);
        }
        if (c.Rotary is { } rotary)
        {
            int half = rotary.Dimension / 2;
            Rotary.Apply(q, t, ldq, c.Heads, c.HeadDim, rotary.Dimension, _cos.AsSpan(0, t * half), _sin.AsSpan(0, t * half));
            Rotary.Apply(k, t, ldk, c.KeyValueHeads, c.HeadDim, rotary.Dimension, _cos.AsSpan(0, t * half), _sin.AsSpan(0, t * half));
        }
        CausalAttention.Apply(q, ldq, k, ldk, v, ldv, _attn.AsSpan(0, t * qw), qw, t, c.Heads, c.KeyValueHeads, c.HeadDim,
            1f / MathF.Sqrt(c.HeadDim), c.SlidingWindow, _threads);
    }

    /// <summary>The MLP up to the down projection's input: <c>act(up)</c>, or <c>act(gate) · up</c>.</summary>
    private ReadOnlySpan<float> Mlp(DecoderBlockWeights b, int layer, int t, int windowIndex, TapPlan? taps)
    {
        DecoderConfig c = _c;
        int d = c.Hidden;
        int inner = c.Intermediate;
        ReadOnlySpan<float> h = _h.AsSpan(0, t * d);
        if (!c.GatedMlp)
        {
            Span<float> ff = _ff.AsSpan(0, t * inner);
            Project(h, t, d, b.Up, inner, b.UpBias, ff, inner);
            Tap(taps, ModuleRole.Up, layer, windowIndex, ff, t, inner);
            switch (c.Activation)
            {
                case MlpActivation.GeluErf:
                    Activations.GeluErf(ff, ff, _threads);
                    break;
                case MlpActivation.GeluTanh:
                    Activations.GeluTanh(ff, ff, _threads);
                    break;
                default:
                    Activations.Silu(ff, ff, _threads);
                    break;
            }
            return ff;
        }
        Span<float> gate, up;
        int stride;
        if (c.FusedGateUp)
        {
            Span<float> gateUp = _ff.AsSpan(0, t * 2 * inner);
            Project(h, t, d, b.GateUpFused, 2 * inner, b.GateUpBias, gateUp, 2 * inner);
            Tap(taps, ModuleRole.FusedGateUp, layer, windowIndex, gateUp, t, 2 * inner);
            gate = gateUp;
            up = gateUp[inner..];
            stride = 2 * inner;
        }
        else
        {
            gate = _ff.AsSpan(0, t * inner);
            up = _ff.AsSpan(t * inner, t * inner);
            Project(h, t, d, b.Gate, inner, b.GateBias, gate, inner);
            Tap(taps, ModuleRole.Gate, layer, windowIndex, gate, t, inner);
            Project(h, t, d, b.Up, inner, b.UpBias, up, inner);
            Tap(taps, ModuleRole.Up, layer, windowIndex, up, t, inner);
            stride = inner;
        }
        Span<float> act = _act.AsSpan(0, t * inner);
        if (c.Activation == MlpActivation.Silu)
        {
            Activations.SwiGlu(gate, stride, up, stride, act, inner, t, inner, _threads);
        }
        else
        {
            Activations.GeGluTanh(gate, stride, up, stride, act, inner, t, inner, _threads);
        }
        return act;
    }

    /// <summary><c>y = x·W (+ bias)</c> for W stored [in, out] (Conv1D) or <c>x·Wᵀ</c> for W stored [out, in] (Linear),
    /// float32 or 16-bit.</summary>
    private void Project(ReadOnlySpan<float> x, int rows, int inputs, in WeightView w, int outputs, float[]? bias,
        Span<float> y, int ldy)
    {
        bool transposeB = !_c.Conv1DWeights;
        int ldb = transposeB ? inputs : outputs;
        ReadOnlySpan<float> b = bias is null ? default : bias;
        if (w.IsHalf)
        {
            Gemm.Multiply(false, transposeB, rows, outputs, inputs, x, inputs, w.Halves, w.Format, ldb, y, ldy, b, threads: _threads);
        }
        else
        {
            Gemm.Multiply(false, transposeB, rows, outputs, inputs, x, inputs, w.Floats, ldb, y, ldy, b, threads: _threads);
        }
    }

    private void Tap(TapPlan? taps, ModuleRole role, int layer, int windowIndex, ReadOnlySpan<float> values, int tokens, int width)
    {
        if (taps is null)
        {
            return;
        }
        int module = _moduleIndex[layer + 1, (int)role];
        if (taps.Wants(module))
        {
            taps.Deliver(module, windowIndex, values, tokens, width);
        }
    }

    private void HeadLogits(LinearOutputHead head, ReadOnlySpan<float> hidden, int rows, float[] logits)
    {
        int vocab = _c.Vocab;
        for (int j0 = 0; j0 < vocab; j0 += VocabChunk)
        {
            int nc = Math.Min(VocabChunk, vocab - j0);
            Span<float> chunk = _logits.AsSpan(0, rows * nc);
            head.Logits(hidden, rows, j0, nc, chunk);
            for (int r = 0; r < rows; r++)
            {
                chunk.Slice(r * nc, nc).CopyTo(logits.AsSpan(r * vocab + j0, nc));
            }
        }
    }

    private void EnsureCapacity(int t)
    {
        if (t <= _capacity)
        {
            return;
        }
        DecoderConfig c = _c;
        int d = c.Hidden;
        _x = new float[t * d];
        _h = new float[t * d];
        _qkv = new float[t * (c.QueryWidth + 2 * c.KeyValueWidth)];
        _attn = new float[t * c.QueryWidth];
        _proj = new float[t * d];
        _ff = new float[t * (c.GatedMlp ? 2 : 1) * c.Intermediate];
        _act = c.GatedMlp ? new float[t * c.Intermediate] : [];
        _logits = new float[t * Math.Min(VocabChunk, c.Vocab)];
        int half = (c.Rotary?.Dimension ?? 0) / 2;
        _cos = new float[t * half];
        _sin = new float[t * half];
        _capacity = t;
    }
}
