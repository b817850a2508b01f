using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Testing;

/// <summary>A small, real, deterministic GPT-2-shaped model for unit-testing guards (and other plugins) without a
/// checkpoint: Hugging Face GPT-2 parameter names with GPT-2 shapes (Conv1D weights stored [in, out]), the modules the
/// built-in GPT-2 adapter reports (same names, kinds, families, layers and output widths), layer norms, a causal
/// running-mean "attention" (no softmax), a GELU MLP and an output head tied to <c>transformer.wte.weight</c>.</summary>
/// <remarks>
/// <para>Weights are drawn from a seeded normal distribution (norm weights 1, biases 0), so two models built with the
/// same arguments are bit-identical. <see cref="Evaluate"/> runs a real forward pass: the loss is the summed next-token
/// cross-entropy, so changing any weight on the path changes it. Every module's output is offered to the activation tap
/// (embeddings, norms, <c>attn.c_attn</c>, <c>attn.c_proj</c>, <c>mlp.c_fc</c> before GELU, <c>mlp.c_proj</c>).</para>
/// <para>Not thread-safe, like every <see cref="IModel"/>. Sequences longer than the position table are truncated.</para>
/// </remarks>
public sealed class FakeModel : IModel
{
    private readonly Dictionary<string, float[]> _values = new(StringComparer.Ordinal);
    private List<ParameterInfo> _infos = [];
    private readonly List<ModuleInfo> _modules = [];
    private readonly int _vocab;
    private readonly int _d;
    private readonly int _layers;
    private readonly int _positions;

    /// <summary>Builds the model.</summary>
    /// <param name="layers">Number of transformer blocks (at least 1).</param>
    /// <param name="width">Width of the residual stream (at least 1); the MLP is 4× as wide.</param>
    /// <param name="vocab">Vocabulary size (at least 2); token ids must lie in [0, vocab).</param>
    /// <param name="positions">Rows of the position table: the longest sequence evaluated.</param>
    /// <param name="seed">Seed of the weight initialisation.</param>
    /// <param name="std">Standard deviation of the initial weights.</param>
    public FakeModel(int layers = 2, int width = 16, int vocab = 48, int positions = 64, int seed = 7, double std = 0.2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocab, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(positions, 2);
        _vocab = vocab;
        _d = width;
        _layers = layers;
        _positions = positions;
        var rng = new Random(seed);
        int inner = 4 * width;
        void Param(string name, int[] shape, Func<float> init)
        {
            long n = 1;
            foreach (int s in shape)
            {
                n *= s;
            }
            float[] v = new float[n];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = init();
            }
            _values[name] = v;
            _infos.Add(new ParameterInfo(name, shape));
        }
        float Normal() => (float)(std * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        Param("transformer.wte.weight", [vocab, width], Normal);
        Param("transformer.wpe.weight", [positions, width], () => Normal() * 0.5f);
        _modules.Add(new ModuleInfo("transformer.wte", ModuleKind.Embedding, ModuleRole.TokenEmbedding, -1, "transformer.wte.weight", null) { OutputWidth = width });
        _modules.Add(new ModuleInfo("transformer.wpe", ModuleKind.Embedding, ModuleRole.PositionEmbedding, -1, "transformer.wpe.weight", null) { OutputWidth = width });
        for (int i = 0; i < layers; i++)
        {
            string p = $"transformer.h.{i}.";
            Param(p + "ln_1.weight", [width], () => 1f);
            Param(p + "ln_1.bias", [width], () => 0f);
            Param(p + "attn.c_attn.weight", [width, 3 * width], Normal);
            Param(p + "attn.c_attn.bias", [3 * width], () => 0f);
            Param(p + "attn.c_proj.weight", [width, width], Normal);
            Param(p + "attn.c_proj.bias", [width], () => 0f);
            Param(p + "ln_2.weight", [width], () => 1f);
            Param(p + "ln_2.bias", [width], () => 0f);
            Param(p + "mlp.c_fc.weight", [width, inner], Normal);
            Param(p + "mlp.c_fc.bias", [inner], () => 0f);
            Param(p + "mlp.c_proj.weight", [inner, width], Normal);
            Param(p + "mlp.c_proj.bias", [width], () => 0f);
            _modules.Add(new ModuleInfo(p + "ln_1", ModuleKind.LayerNorm, ModuleRole.AttentionNorm, i, p + "ln_1.weight", p + "ln_1.bias") { OutputWidth = width });
            _modules.Add(new ModuleInfo(p + "attn.c_attn", ModuleKind.Conv1D, ModuleRole.FusedQkv, i, p + "attn.c_attn.weight", p + "attn.c_attn.bias") { OutputWidth = 3 * width });
            _modules.Add(new ModuleInfo(p + "attn.c_proj", ModuleKind.Conv1D, ModuleRole.AttentionOutput, i, p + "attn.c_proj.weight", p + "attn.c_proj.bias") { OutputWidth = width });
            _modules.Add(new ModuleInfo(p + "ln_2", ModuleKind.LayerNorm, ModuleRole.MlpNorm, i, p + "ln_2.weight", p + "ln_2.bias") { OutputWidth = width });
            _modules.Add(new ModuleInfo(p + "mlp.c_fc", ModuleKind.Conv1D, ModuleRole.Up, i, p + "mlp.c_fc.weight", p + "mlp.c_fc.bias") { OutputWidth = inner });
            _modules.Add(new ModuleInfo(p + "mlp.c_proj", ModuleKind.Conv1D, ModuleRole.Down, i, p + "mlp.c_proj.weight", p + "mlp.c_proj.bias") { OutputWidth = width });
        }
        Param("transformer.ln_f.weight", [width], () => 1f);
        Param("transformer.ln_f.bias", [width], () => 0f);
        _modules.Add(new ModuleInfo("transformer.ln_f", ModuleKind.LayerNorm, ModuleRole.FinalNorm, -1, "transformer.ln_f.weight", "transformer.ln_f.bias") { OutputWidth = width });
        _infos.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        long count = 0;
        foreach (ParameterInfo p in _infos)
        {
            count += p.ElementCount;
        }
        Description = new ModelDescription("gpt2", layers, 1, width, vocab, positions, true, count, "causal");
        Parameters = new Store(this);
        Tokenizer = new ByteTokenizer(vocab);
    }

    /// <summary>Architecture facts (architecture <c>gpt2</c>, 1 head, tied embeddings, objective <c>causal</c>);
    /// settable so a test can simulate a changed description.</summary>
    public ModelDescription Description { get; set; }

    /// <inheritdoc />
    public IReadOnlyList<ModuleInfo> Modules => _modules;

    /// <summary>The module list, editable by tests that simulate structural changes (a removed norm, a renamed module).</summary>
    public List<ModuleInfo> ModuleList => _modules;

    /// <inheritdoc />
    public IParameterStore Parameters { get; }

    /// <summary>A <see cref="ByteTokenizer"/> over this model's vocabulary.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>How many times <see cref="Evaluate"/> was called (to check what a guard costs).</summary>
    public int EvaluateCalls { get; private set; }

    /// <summary>The live values of a parameter (writes change the model).</summary>
    /// <param name="name">The Hugging Face parameter name.</param>
    /// <exception cref="KeyNotFoundException">No such parameter.</exception>
    public float[] Values(string name) => _values[name];

    /// <summary>Adds or replaces a parameter; a new shape is allowed (to simulate a structural edit). The array is used
    /// as it is, not copied.</summary>
    /// <param name="name">The Hugging Face parameter name.</param>
    /// <param name="shape">Its shape; the product must equal <paramref name="values"/>' length.</param>
    /// <param name="values">Its values.</param>
    public void SetParameter(string name, int[] shape, float[] values)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        var info = new ParameterInfo(name, shape);
        if (info.ElementCount != values.Length)
        {
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {info.ElementCount} values, not {values.Length}", nameof(values));
        }
        _values[name] = values;
        _infos.RemoveAll(p => p.Name == name);
        _infos.Add(info);
        _infos.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
    }

    /// <summary>Deterministic calibration windows of <paramref name="length"/> tokens: a simple learnable pattern with
    /// 30% noise, so the windows' losses differ.</summary>
    /// <param name="count">Number of windows.</param>
    /// <param name="length">Tokens per window.</param>
    /// <param name="vocab">Vocabulary size; ids lie in [0, vocab).</param>
    /// <param name="seed">Seed of the noise.</param>
    public static List<ReadOnlyMemory<int>> Windows(int count, int length, int vocab = 48, int seed = 11)
    {
        var rng = new Random(seed);
        var list = new List<ReadOnlyMemory<int>>();
        for (int w = 0; w < count; w++)
        {
            int[] ids = new int[length];
            for (int t = 0; t < length; t++)
            {
                // A simple learnable pattern plus noise so losses differ between windows.
                ids[t] = rng.NextDouble() < 0.7 ? (t * 3 + w) % vocab : rng.Next(vocab);
            }
            list.Add(ids);
        }
        return list;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside [0, vocab).</exception>
    public IReadOnlyList<WindowLoss> Evaluate(IReadOnlyList<ReadOnlyMemory<int>> windows, IActivationTap? taps = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        EvaluateCalls++;
        var result = new List<WindowLoss>(windows.Count);
        for (int w = 0; w < windows.Count; w++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(Forward(windows[w].Span, w, taps));
        }
        return result;
    }

    private void Tap(IActivationTap? taps, string name, int window, float[] data, int tokens, int width)
    {
        if (taps is not null && taps.ModuleNames.Contains(name))
        {
            taps.OnActivation(name, window, data, tokens, width);
        }
    }

    private WindowLoss Forward(ReadOnlySpan<int> ids, int window, IActivationTap? taps)
    {
        int t = Math.Min(ids.Length, _positions);
        int d = _d;
        float[] wte = _values["transformer.wte.weight"];
        float[] wpe = _values["transformer.wpe.weight"];
        float[] tokEmb = new float[t * d];
        float[] posEmb = new float[t * d];
        for (int i = 0; i < t; i++)
        {
            if ((uint)ids[i] >= (uint)_vocab)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), $"token id {ids[i]} is outside [0, {_vocab})");
            }
            Array.Copy(wte, ids[i] * d, tokEmb, i * d, d);
            Array.Copy(wpe, i * d, posEmb, i * d, d);
        }
        Tap(taps, "transformer.wte", window, tokEmb, t, d);
        Tap(taps, "transformer.wpe", window, posEmb, t, d);
        float[] h = new float[t * d];
        for (int i = 0; i < h.Length; i++)
        {
            h[i] = tokEmb[i] + posEmb[i];
        }
        for (int l = 0; l < _layers; l++)
        {
            string p = $"transformer.h.{l}.";
            float[] a = LayerNorm(h, t, d, p + "ln_1");
            Tap(taps, p + "ln_1", window, a, t, d);
            float[] qkv = Conv(a, t, d, 3 * d, p + "attn.c_attn");
            Tap(taps, p + "attn.c_attn", window, qkv, t, 3 * d);
            float[] mix = new float[t * d];
            double[] run = new double[d];
            for (int i = 0; i < t; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    run[j] += qkv[(i * 3 * d) + (2 * d) + j] * Math.Tanh(qkv[(i * 3 * d) + j]);
                    mix[(i * d) + j] = (float)(run[j] / (i + 1));
                }
            }
            float[] o = Conv(mix, t, d, d, p + "attn.c_proj");
            Tap(taps, p + "attn.c_proj", window, o, t, d);
            for (int i = 0; i < h.Length; i++)
            {
                h[i] += o[i];
            }
            float[] m = LayerNorm(h, t, d, p + "ln_2");
            Tap(taps, p + "ln_2", window, m, t, d);
            float[] f = Conv(m, t, d, 4 * d, p + "mlp.c_fc");
            Tap(taps, p + "mlp.c_fc", window, f, t, 4 * d);
            for (int i = 0; i < f.Length; i++)
            {
                double x = f[i];
                f[i] = (float)(0.5 * x * (1 + Math.Tanh(0.7978845608 * (x + (0.044715 * x * x * x)))));
            }
            float[] y = Conv(f, t, 4 * d, d, p + "mlp.c_proj");
            Tap(taps, p + "mlp.c_proj", window, y, t, d);
            for (int i = 0; i < h.Length; i++)
            {
                h[i] += y[i];
            }
        }
        float[] hf = LayerNorm(h, t, d, "transformer.ln_f");
        Tap(taps, "transformer.ln_f", window, hf, t, d);
        double loss = 0;
        int count = 0;
        double[] logits = new double[_vocab];
        for (int i = 0; i + 1 < t; i++)
        {
            double max = double.NegativeInfinity;
            for (int v = 0; v < _vocab; v++)
            {
                double s = 0;
                for (int j = 0; j < d; j++)
                {
                    s += hf[(i * d) + j] * wte[(v * d) + j];
                }
                logits[v] = s;
                max = Math.Max(max, s);
            }
            double z = 0;
            for (int v = 0; v < _vocab; v++)
            {
                z += Math.Exp(logits[v] - max);
            }
            loss += max + Math.Log(z) - logits[ids[i + 1]];
            count++;
        }
        return new WindowLoss(loss, count);
    }

    private float[] LayerNorm(float[] x, int t, int d, string name)
    {
        float[] g = _values[name + ".weight"];
        float[] b = _values[name + ".bias"];
        float[] y = new float[x.Length];
        for (int i = 0; i < t; i++)
        {
            double mean = 0;
            for (int j = 0; j < d; j++)
            {
                mean += x[(i * d) + j];
            }
            mean /= d;
            double var = 0;
            for (int j = 0; j < d; j++)
            {
                double c = x[(i * d) + j] - mean;
                var += c * c;
            }
            var /= d;
            double inv = 1 / Math.Sqrt(var + 1e-5);
            for (int j = 0; j < d; j++)
            {
                y[(i * d) + j] = (float)(((x[(i * d) + j] - mean) * inv * g[j]) + b[j]);
            }
        }
        return y;
    }

    private float[] Conv(float[] x, int t, int din, int dout, string name)
    {
        float[] w = _values[name + ".weight"];
        float[] b = _values[name + ".bias"];
        float[] y = new float[t * dout];
        for (int i = 0; i < t; i++)
        {
            for (int o = 0; o < dout; o++)
            {
                double s = b[o];
                for (int k = 0; k < din; k++)
                {
                    s += x[(i * din) + k] * w[(k * dout) + o];
                }
                y[(i * dout) + o] = (float)s;
            }
        }
        return y;
    }

    /// <inheritdoc />
    public IModelSnapshot Snapshot() =>
        new SnapshotImpl(this, _values.ToDictionary(kv => kv.Key, kv => (float[])kv.Value.Clone(), StringComparer.Ordinal), [.. _infos]);

    /// <inheritdoc />
    /// <remarks>Restores the parameter set too: a parameter added or reshaped with <see cref="SetParameter"/> after the
    /// snapshot is put back as it was. Buffers are copied, so the snapshot can be restored again.</remarks>
    /// <exception cref="ArgumentException">The snapshot was taken from another model.</exception>
    public void Restore(IModelSnapshot snapshot)
    {
        if (snapshot is not SnapshotImpl own || !ReferenceEquals(own.Owner, this))
        {
            throw new ArgumentException("the snapshot was not taken from this model", nameof(snapshot));
        }
        _values.Clear();
        foreach (var kv in own.Values)
        {
            _values[kv.Key] = (float[])kv.Value.Clone();
        }
        _infos = [.. own.Infos];
    }

    /// <summary>Does nothing: the model holds only managed arrays.</summary>
    public void Dispose()
    {
    }

    private sealed record SnapshotImpl(FakeModel Owner, Dictionary<string, float[]> Values, List<ParameterInfo> Infos) : IModelSnapshot
    {
        public long ElementCount => Values.Values.Sum(v => (long)v.Length);

        public void Dispose()
        {
        }
    }

    private sealed class Store(FakeModel owner) : IParameterStore
    {
        public IReadOnlyList<ParameterInfo> All => owner._infos;

        public bool TryGet(string name, out ParameterInfo info)
        {
            ParameterInfo? found = owner._infos.Find(p => p.Name == name);
            info = found!;
            return found is not null;
        }

        public Span<float> GetSpan(string name) => owner._values.TryGetValue(name, out float[]? v) ? v : throw new KeyNotFoundException(name);
    }
}
