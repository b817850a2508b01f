using System.Globalization;
using System.Numerics.Tensors;
using InvarLock.Compute;
using InvarLock.Models.Decoder;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Encoder;

/// <summary>The encoder forward pass (BERT and RoBERTa): embeddings (word + position + token type 0) and their LayerNorm,
/// post-norm blocks <c>x = LN(x + attn(x))</c>, <c>x = LN(x + down(gelu(up(x))))</c> with bidirectional attention, then
/// the masked-LM head transform <c>LN(gelu(dense(x)))</c>, whose output is what the sink gets; the tied decoder (word
/// embedding + bias) is the <see cref="LinearOutputHead"/>. Scratch buffers are reused across windows.</summary>
/// <remarks>Not thread-safe: one window at a time. Compute is float32 whatever the stored type. Every token of a window is
/// attended (our windows carry no padding). Module outputs go to the taps in execution order.</remarks>
internal sealed class EncoderForward
{
    /// <summary>Vocabulary columns per output-head GEMM (the head's <see cref="LinearOutputHead.ColumnBlock"/>).</summary>
    internal const int VocabChunk = 2048;

    private readonly EncoderConfig _c;
    private readonly int _threads;
    private readonly Dictionary<string, int> _moduleIndex = new(StringComparer.Ordinal);
    private int _capacity;
    private float[] _x = [];
    private float[] _h = [];
    private float[] _q = [];
    private float[] _k = [];
    private float[] _v = [];
    private float[] _attn = [];
    private float[] _ff = [];

    internal EncoderForward(EncoderConfig config, IReadOnlyList<ModuleInfo> modules, int threads)
    {
        _c = config;
        _threads = Math.Max(1, threads);
        for (int i = 0; i < modules.Count; i++)
        {
            _moduleIndex[modules[i].Name] = i;
        }
    }

    /// <summary>Runs the encoder and head transform on one window; returns the transform's output, [T, hidden] row-major
    /// (borrowed: valid until the next call).</summary>
    internal ReadOnlySpan<float> Hidden(EncoderWeightSet w, ReadOnlySpan<int> tokens, int windowIndex, TapPlan? taps)
    {
        EncoderConfig c = _c;
        EncoderNameTable n = c.Names;
        int t = tokens.Length;
        int d = c.Hidden;
        if (t == 0)
        {
            return [];
        }
        if (t > c.MaxWindow)
        {
            throw new InvarLockException(ErrorCodes.Usage, string.Create(CultureInfo.InvariantCulture,
                $"{c.ModelType}: window {windowIndex} has {t} tokens; the model supports at most {c.MaxWindow} (max_position_embeddings {c.MaxPositions})"));
        }
        RequiredTensors.RequireInVocabulary(tokens, c.Vocab, c.ModelType, windowIndex);
        EnsureCapacity(t);
        Span<float> x = _x.AsSpan(0, t * d);
        Span<float> h = _h.AsSpan(0, t * d);
        for (int i = 0; i < t; i++)
        {
            w.WordEmbedding.Widen((long)tokens[i] * d, h.Slice(i * d, d));
        }
        Tap(taps, n.WordEmbedding, windowIndex, h, t, d);
        w.PositionEmbedding.Widen((long)c.PositionOffset * d, x);
        Tap(taps, n.PositionEmbedding, windowIndex, x, t, d);
        TensorPrimitives.Add(h, x, h);
        for (int i = 0; i < t; i++)
        {
            Span<float> row = h.Slice(i * d, d);
            TensorPrimitives.Add(row, w.TokenType0, row);
        }
        LayerNorm.Apply(h, x, t, d, w.EmbeddingNormWeight, w.EmbeddingNormBias, c.NormEpsilon);

        for (int layer = 0; layer < c.Layers; layer++)
        {
            EncoderBlockWeights b = w.Blocks[layer];
            Span<float> q = _q.AsSpan(0, t * d);
            Span<float> k = _k.AsSpan(0, t * d);
            Span<float> v = _v.AsSpan(0, t * d);
            Project(x, t, d, b.Query, d, b.QueryBias, q);
            Tap(taps, n.Query(layer), windowIndex, q, t, d);
            Project(x, t, d, b.Key, d, b.KeyBias, k);
            Tap(taps, n.Key(layer), windowIndex, k, t, d);
            Project(x, t, d, b.Value, d, b.ValueBias, v);
            Tap(taps, n.Value(layer), windowIndex, v, t, d);
            Span<float> attn = _attn.AsSpan(0, t * d);
            BidirectionalAttention.Apply(q, d, k, d, v, d, attn, d, t, c.Heads, c.HeadDim, 1f / MathF.Sqrt(c.HeadDim), _threads);
            Project(attn, t, d, b.Output, d, b.OutputBias, h);
            Tap(taps, n.AttentionOutput(layer), windowIndex, h, t, d);
            TensorPrimitives.Add(h, x, h);
            LayerNorm.Apply(h, x, t, d, b.AttentionNormWeight, b.AttentionNormBias, c.NormEpsilon);
            Tap(taps, n.AttentionNorm(layer), windowIndex, x, t, d);

            Span<float> ff = _ff.AsSpan(0, t * c.Intermediate);
            Project(x, t, d, b.Up, c.Intermediate, b.UpBias, ff);
            Tap(taps, n.Up(layer), windowIndex, ff, t, c.Intermediate);
            Activations.GeluErf(ff, ff, _threads);
            Project(ff, t, c.Intermediate, b.Down, d, b.DownBias, h);
            Tap(taps, n.Down(layer), windowIndex, h, t, d);
            TensorPrimitives.Add(h, x, h);
            LayerNorm.Apply(h, x, t, d, b.MlpNormWeight, b.MlpNormBias, c.NormEpsilon);
            Tap(taps, n.MlpNorm(layer), windowIndex, x, t, d);
        }
        Project(x, t, d, w.HeadDense, d, w.HeadDenseBias, h);
        Activations.GeluErf(h, h, _threads);
        LayerNorm.Apply(h, h, t, d, w.HeadNormWeight, w.HeadNormBias, c.NormEpsilon);
        Tap(taps, n.HeadNorm, windowIndex, h, t, d);
        return h;
    }

    /// <summary><c>y = x·Wᵀ + bias</c> for an nn.Linear weight stored [out, in], float32 or 16-bit.</summary>
    private void Project(ReadOnlySpan<float> x, int rows, int inputs, in WeightView w, int outputs, float[] bias, Span<float> y)
    {
        if (w.IsHalf)
        {
            Gemm.Multiply(false, true, rows, outputs, inputs, x, inputs, w.Halves, w.Format, inputs, y, outputs, bias, threads: _threads);
        }
        else
        {
            Gemm.Multiply(false, true, rows, outputs, inputs, x, inputs, w.Floats, inputs, y, outputs, bias, threads: _threads);
        }
    }

    private void Tap(TapPlan? taps, string module, int windowIndex, ReadOnlySpan<float> values, int tokens, int width)
    {
        if (taps is not null && _moduleIndex.TryGetValue(module, out int index) && taps.Wants(index))
        {
            taps.Deliver(index, windowIndex, values, tokens, width);
        }
    }

    private void EnsureCapacity(int t)
    {
        if (t <= _capacity)
        {
            return;
        }
        int d = _c.Hidden;
        _x = new float[t * d];
        _h = new float[t * d];
        _q = new float[t * d];
        _k = new float[t * d];
        _v = new float[t * d];
        _attn = new float[t * d];
        _ff = new float[t * _c.Intermediate];
        _capacity = t;
    }
}
