using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Testing;

/// <summary>A small, real, deterministic decoder for unit-testing guards (and other plugins) without a checkpoint. By
/// default it is GPT-2-shaped: Hugging Face GPT-2 parameter names with GPT-2 shapes (Conv1D weights stored [in, out]), the
/// modules the built-in GPT-2 adapter reports (same names, kinds, roles, layers and output widths), layer norms, a causal
/// running-mean "attention" (no softmax), a GELU MLP and an output head tied to <c>transformer.wte.weight</c>. With a
/// <see cref="FakeModelLayout"/> it takes a LLaMA shape (RMSNorm, separate q/k/v with grouped-query key/value heads,
/// gate/up/down, untied head) or a Phi-3 shape (the same with fused <c>qkv_proj</c> and <c>gate_up_proj</c>).</summary>
/// <remarks>
/// <para>Weights are drawn from a seeded normal distribution (norm weights 1, biases 0), so two models built with the
/// same arguments are bit-identical. <see cref="Forward"/> runs a real forward pass and hands the final hidden states
/// and the output head (logits in double, rounded to float) to the sink, so changing any weight on the path changes a
/// metric's loss. Every module's output is offered to the activation tap
/// (embeddings, norms, every projection — the gate and up projections before the activation).</para>
/// <para>The LLaMA and Phi-3 "attention" mixes, per query head h with key/value head g = h / (heads / kvHeads), the running
/// mean over earlier positions of <c>v[g] · tanh(q[h] + k[g])</c>; the MLP is <c>down(silu(gate) · up)</c>.</para>
/// <para>The parameter store counts how it is used: <see cref="SpanRequests"/> lists the parameters handed out through
/// <see cref="IParameterStore.GetSpan"/> (a half-precision store gives each of those a float32 copy), so a test can check
/// that a reader used <see cref="IParameterStore.Read"/>.</para>
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
    private readonly FakeModelLayout _layout;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly int _inner;
    private readonly HashSet<string> _spanRequests = new(StringComparer.Ordinal);

    /// <summary>Builds a GPT-2-shaped model (<see cref="FakeModelLayout.Gpt2"/>, one head).</summary>
    /// <param name="layers">Number of transformer blocks (at least 1).</param>
    /// <param name="width">Width of the residual stream (at least 1); the MLP is 4× as wide.</param>
    /// <param name="vocab">Vocabulary size (at least 2); token ids must lie in [0, vocab).</param>
    /// <param name="positions">Rows of the position table: the longest sequence evaluated.</param>
    /// <param name="seed">Seed of the weight initialisation.</param>
    /// <param name="std">Standard deviation of the initial weights.</param>
    public FakeModel(int layers = 2, int width = 16, int vocab = 48, int positions = 64, int seed = 7, double std = 0.2)
        : this(FakeModelLayout.Gpt2, layers, width, 1, 1, vocab, positions, seed, std)
    {
    }

    /// <summary>Builds a model of the given layout.</summary>
    /// <param name="layout">GPT-2, LLaMA or Phi-3 names, shapes and roles.</param>
    /// <param name="layers">Number of transformer blocks (at least 1).</param>
    /// <param name="width">Width of the residual stream (at least 1). The GPT-2 MLP is 4× as wide, the LLaMA and Phi-3
    /// MLPs 3× (<see cref="ModelDescription.IntermediateSize"/>).</param>
    /// <param name="heads">Query heads; must divide <paramref name="width"/> (head width = width / heads). GPT-2's mixing
    /// ignores heads; the description records them.</param>
    /// <param name="keyValueHeads">Key/value heads (LLaMA, Phi-3); must divide <paramref name="heads"/>. Equal to heads is
    /// multi-head attention, 1 is multi-query attention.</param>
    /// <param name="vocab">Vocabulary size (at least 2); token ids must lie in [0, vocab).</param>
    /// <param name="positions">Longest sequence evaluated (GPT-2: rows of the position table).</param>
    /// <param name="seed">Seed of the weight initialisation.</param>
    /// <param name="std">Standard deviation of the initial weights.</param>
    public FakeModel(FakeModelLayout layout, int layers = 2, int width = 16, int heads = 4, int keyValueHeads = 2, int vocab = 48,
        int positions = 64, int seed = 7, double std = 0.2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(keyValueHeads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocab, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(positions, 2);
        if (width % heads != 0 || heads % keyValueHeads != 0)
        {
            throw new ArgumentException($"heads ({heads}) must divide width ({width}) and key/value heads ({keyValueHeads}) must divide heads");
        }
        _layout = layout;
        _vocab = vocab;
        _d = width;
        _layers = layers;
        _positions = positions;
        _heads = heads;
        _kvHeads = keyValueHeads;
        _headDim = width / heads;
        _inner = layout == FakeModelLayout.Gpt2 ? 4 * width : 3 * width;
        var rng = new Random(seed);
        float Normal() => (float)(std * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        if (layout == FakeModelLayout.Gpt2)
        {
            BuildGpt2(Normal);
        }
        else
        {
            BuildDecoder(Normal);
        }
        _infos.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        long count = 0;
        foreach (ParameterInfo p in _infos)
        {
            count += p.ElementCount;
        }
        Description = layout == FakeModelLayout.Gpt2
            ? new ModelDescription("gpt2", layers, heads, width, vocab, positions, true, count, "causal")
            : new ModelDescription(layout == FakeModelLayout.Llama ? "llama" : "phi3", layers, heads, width, vocab, positions, false, count, "causal")
            {
                KeyValueHeads = keyValueHeads,
                HeadDim = _headDim,
                IntermediateSize = _inner,
                NormKind = "rmsnorm",
                PositionKind = "rotary",
            };
        Parameters = new Store(this);
        Tokenizer = new ByteTokenizer(vocab);
    }

    private void Param(string name, int[] shape, Func<float> init)
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

    private void BuildGpt2(Func<float> normal)
    {
        int width = _d;
        int inner = _inner;
        Param("transformer.wte.weight", [_vocab, width], normal);
        Param("transformer.wpe.weight", [_positions, width], () => normal() * 0.5f);
        _modules.Add(new ModuleInfo("transformer.wte", ModuleKind.Embedding, ModuleRole.TokenEmbedding, -1, "transformer.wte.weight", null) { OutputWidth = width });
        _modules.Add(new ModuleInfo("transformer.wpe", ModuleKind.Embedding, ModuleRole.PositionEmbedding, -1, "transformer.wpe.weight", null) { OutputWidth = width });
        for (int i = 0; i < _layers; i++)
        {
            string p = $"transformer.h.{i}.";
            Param(p + "ln_1.weight", [width], () => 1f);
            Param(p + "ln_1.bias", [width], () => 0f);
            Param(p + "attn.c_attn.weight", [width, 3 * width], normal);
            Param(p + "attn.c_attn.bias", [3 * width], () => 0f);
            Param(p + "attn.c_proj.weight", [width, width], normal);
            Param(p + "attn.c_proj.bias", [width], () => 0f);
            Param(p + "ln_2.weight", [width], () => 1f);
            Param(p + "ln_2.bias", [width], () => 0f);
            Param(p + "mlp.c_fc.weight", [width, inner], normal);
            Param(p + "mlp.c_fc.bias", [inner], () => 0f);
            Param(p + "mlp.c_proj.weight", [inner, width], normal);
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
    }

    private void BuildDecoder(Func<float> normal)
    {
        int d = _d;
        int q = _heads * _headDim;
        int kv = _kvHeads * _headDim;
        bool fused = _layout == FakeModelLayout.Phi3;
        void Module(string name, ModuleKind kind, ModuleRole role, int layer, int[] shape, Func<float> init, int width)
        {
            Param(name + ".weight", shape, init);
            _modules.Add(new ModuleInfo(name, kind, role, layer, name + ".weight", null) { OutputWidth = width });
        }
        Module("model.embed_tokens", ModuleKind.Embedding, ModuleRole.TokenEmbedding, -1, [_vocab, d], normal, d);
        for (int i = 0; i < _layers; i++)
        {
            string p = $"model.layers.{i}.";
            Module(p + "input_layernorm", ModuleKind.RmsNorm, ModuleRole.AttentionNorm, i, [d], () => 1f, d);
            if (fused)
            {
                Module(p + "self_attn.qkv_proj", ModuleKind.Linear, ModuleRole.FusedQkv, i, [q + (2 * kv), d], normal, q + (2 * kv));
            }
            else
            {
                Module(p + "self_attn.q_proj", ModuleKind.Linear, ModuleRole.Query, i, [q, d], normal, q);
                Module(p + "self_attn.k_proj", ModuleKind.Linear, ModuleRole.Key, i, [kv, d], normal, kv);
                Module(p + "self_attn.v_proj", ModuleKind.Linear, ModuleRole.Value, i, [kv, d], normal, kv);
            }
            Module(p + "self_attn.o_proj", ModuleKind.Linear, ModuleRole.AttentionOutput, i, [d, q], normal, d);
            Module(p + "post_attention_layernorm", ModuleKind.RmsNorm, ModuleRole.MlpNorm, i, [d], () => 1f, d);
            if (fused)
            {
                Module(p + "mlp.gate_up_proj", ModuleKind.Linear, ModuleRole.FusedGateUp, i, [2 * _inner, d], normal, 2 * _inner);
            }
            else
            {
                Module(p + "mlp.gate_proj", ModuleKind.Linear, ModuleRole.Gate, i, [_inner, d], normal, _inner);
                Module(p + "mlp.up_proj", ModuleKind.Linear, ModuleRole.Up, i, [_inner, d], normal, _inner);
            }
            Module(p + "mlp.down_proj", ModuleKind.Linear, ModuleRole.Down, i, [d, _inner], normal, d);
        }
        Module("model.norm", ModuleKind.RmsNorm, ModuleRole.FinalNorm, -1, [d], () => 1f, d);
        Module("lm_head", ModuleKind.Linear, ModuleRole.OutputHead, -1, [_vocab, d], normal, _vocab);
    }

    /// <summary>Architecture facts (GPT-2: architecture <c>gpt2</c>, tied embeddings; LLaMA / Phi-3: <c>llama</c> /
    /// <c>phi3</c> with key/value heads, head width, MLP width, <c>rmsnorm</c>, <c>rotary</c>, untied head; objective
    /// <c>causal</c>); settable so a test can simulate a changed description (for example a half-precision
    /// <see cref="ModelDescription.StoredDType"/>).</summary>
    public ModelDescription Description { get; set; }

    /// <inheritdoc />
    public IReadOnlyList<ModuleInfo> Modules => _modules;

    /// <summary>The module list, editable by tests that simulate structural changes (a removed norm, a renamed module).</summary>
    public List<ModuleInfo> ModuleList => _modules;

    /// <inheritdoc />
    public IParameterStore Parameters { get; }

    /// <summary>A <see cref="ByteTokenizer"/> over this model's vocabulary.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>How many times <see cref="Forward"/> was called (to check what a guard costs).</summary>
    public int ForwardCalls { get; private set; }

    /// <summary>The parameters handed out through <see cref="IParameterStore.GetSpan"/> (the writable path, which a
    /// half-precision store answers with a float32 copy of the tensor); readers should leave it empty.</summary>
    public IReadOnlySet<string> SpanRequests => _spanRequests;

    /// <summary>How many times <see cref="IParameterStore.Read"/> was called.</summary>
    public int ReadCalls { get; private set; }

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
    public void Forward(IReadOnlyList<ReadOnlyMemory<int>> windows, IWindowSink? sink, IActivationTap? taps = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ForwardCalls++;
        for (int w = 0; w < windows.Count; w++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadOnlySpan<int> ids = windows[w].Span;
            (float[] hidden, float[] head, int t) = Trunk(ids, w, taps);
            sink?.OnWindow(new WindowOutput(w, ids[..t], hidden.AsSpan(0, t * _d), new FakeOutputHead(head, _d, _vocab)));
        }
    }

    private void Tap(IActivationTap? taps, string name, int window, float[] data, int tokens, int width)
    {
        if (taps is not null && taps.ModuleNames.Contains(name))
        {
            taps.OnActivation(name, window, data, tokens, width);
        }
    }

    private (float[] Hidden, float[] Head, int Tokens) Trunk(ReadOnlySpan<int> ids, int window, IActivationTap? taps) =>
        _layout == FakeModelLayout.Gpt2 ? TrunkGpt2(ids, window, taps) : TrunkDecoder(ids, window, taps);

    private (float[] Hidden, float[] Head, int Tokens) TrunkGpt2(ReadOnlySpan<int> ids, int window, IActivationTap? taps)
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
        return (hf, wte, t);
    }

    private (float[] Hidden, float[] Head, int Tokens) TrunkDecoder(ReadOnlySpan<int> ids, int window, IActivationTap? taps)
    {
        int t = Math.Min(ids.Length, _positions);
        int d = _d;
        int hd = _headDim;
        int qw = _heads * hd;
        int kvw = _kvHeads * hd;
        int group = _heads / _kvHeads;
        bool fused = _layout == FakeModelLayout.Phi3;
        float[] emb = _values["model.embed_tokens.weight"];
        float[] h = new float[t * d];
        for (int i = 0; i < t; i++)
        {
            if ((uint)ids[i] >= (uint)_vocab)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), $"token id {ids[i]} is outside [0, {_vocab})");
            }
            Array.Copy(emb, ids[i] * d, h, i * d, d);
        }
        Tap(taps, "model.embed_tokens", window, h, t, d);
        for (int l = 0; l < _layers; l++)
        {
            string p = $"model.layers.{l}.";
            float[] a = RmsNorm(h, t, d, p + "input_layernorm");
            Tap(taps, p + "input_layernorm", window, a, t, d);
            float[] q, k, v;
            if (fused)
            {
                float[] qkv = Linear(a, t, d, qw + (2 * kvw), p + "self_attn.qkv_proj");
                Tap(taps, p + "self_attn.qkv_proj", window, qkv, t, qw + (2 * kvw));
                q = Columns(qkv, t, qw + (2 * kvw), 0, qw);
                k = Columns(qkv, t, qw + (2 * kvw), qw, kvw);
                v = Columns(qkv, t, qw + (2 * kvw), qw + kvw, kvw);
            }
            else
            {
                q = Linear(a, t, d, qw, p + "self_attn.q_proj");
                Tap(taps, p + "self_attn.q_proj", window, q, t, qw);
                k = Linear(a, t, d, kvw, p + "self_attn.k_proj");
                Tap(taps, p + "self_attn.k_proj", window, k, t, kvw);
                v = Linear(a, t, d, kvw, p + "self_attn.v_proj");
                Tap(taps, p + "self_attn.v_proj", window, v, t, kvw);
            }
            float[] mix = new float[t * qw];
            double[] run = new double[qw];
            for (int i = 0; i < t; i++)
            {
                for (int c = 0; c < qw; c++)
                {
                    int g = (c / hd) / group;
                    int kc = (g * hd) + (c % hd);
                    run[c] += v[(i * kvw) + kc] * Math.Tanh(q[(i * qw) + c] + k[(i * kvw) + kc]);
                    mix[(i * qw) + c] = (float)(run[c] / (i + 1));
                }
            }
            float[] o = Linear(mix, t, qw, d, p + "self_attn.o_proj");
            Tap(taps, p + "self_attn.o_proj", window, o, t, d);
            for (int i = 0; i < h.Length; i++)
            {
                h[i] += o[i];
            }
            float[] m = RmsNorm(h, t, d, p + "post_attention_layernorm");
            Tap(taps, p + "post_attention_layernorm", window, m, t, d);
            float[] gate, up;
            if (fused)
            {
                float[] gu = Linear(m, t, d, 2 * _inner, p + "mlp.gate_up_proj");
                Tap(taps, p + "mlp.gate_up_proj", window, gu, t, 2 * _inner);
                gate = Columns(gu, t, 2 * _inner, 0, _inner);
                up = Columns(gu, t, 2 * _inner, _inner, _inner);
            }
            else
            {
                gate = Linear(m, t, d, _inner, p + "mlp.gate_proj");
                Tap(taps, p + "mlp.gate_proj", window, gate, t, _inner);
                up = Linear(m, t, d, _inner, p + "mlp.up_proj");
                Tap(taps, p + "mlp.up_proj", window, up, t, _inner);
            }
            float[] f = new float[t * _inner];
            for (int i = 0; i < f.Length; i++)
            {
                double x = gate[i];
                f[i] = (float)(x / (1 + Math.Exp(-x)) * up[i]);
            }
            float[] y = Linear(f, t, _inner, d, p + "mlp.down_proj");
            Tap(taps, p + "mlp.down_proj", window, y, t, d);
            for (int i = 0; i < h.Length; i++)
            {
                h[i] += y[i];
            }
        }
        float[] hf = RmsNorm(h, t, d, "model.norm");
        Tap(taps, "model.norm", window, hf, t, d);
        float[] head = _values["lm_head.weight"];
        if (taps is not null && taps.ModuleNames.Contains("lm_head"))
        {
            Tap(taps, "lm_head", window, HeadOutput(hf, t, head), t, _vocab);
        }
        return (hf, head, t);
    }

    private float[] HeadOutput(float[] hf, int t, float[] head)
    {
        float[] y = new float[t * _vocab];
        for (int i = 0; i < t; i++)
        {
            for (int v = 0; v < _vocab; v++)
            {
                double s = 0;
                for (int j = 0; j < _d; j++)
                {
                    s += hf[(i * _d) + j] * head[(v * _d) + j];
                }
                y[(i * _vocab) + v] = (float)s;
            }
        }
        return y;
    }

    private static float[] Columns(float[] x, int t, int width, int start, int count)
    {
        float[] y = new float[t * count];
        for (int i = 0; i < t; i++)
        {
            Array.Copy(x, (i * width) + start, y, i * count, count);
        }
        return y;
    }

    private float[] RmsNorm(float[] x, int t, int d, string name)
    {
        float[] g = _values[name + ".weight"];
        float[] y = new float[x.Length];
        for (int i = 0; i < t; i++)
        {
            double ms = 0;
            for (int j = 0; j < d; j++)
            {
                ms += (double)x[(i * d) + j] * x[(i * d) + j];
            }
            double inv = 1 / Math.Sqrt((ms / d) + 1e-6);
            for (int j = 0; j < d; j++)
            {
                y[(i * d) + j] = (float)(x[(i * d) + j] * inv * g[j]);
            }
        }
        return y;
    }

    /// <summary>y = x Wᵀ for a Linear weight stored [out, in] (no bias).</summary>
    private float[] Linear(float[] x, int t, int din, int dout, string name)
    {
        float[] w = _values[name + ".weight"];
        float[] y = new float[t * dout];
        for (int i = 0; i < t; i++)
        {
            for (int o = 0; o < dout; o++)
            {
                double s = 0;
                for (int k = 0; k < din; k++)
                {
                    s += x[(i * din) + k] * w[(o * din) + k];
                }
                y[(i * dout) + o] = (float)s;
            }
        }
        return y;
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

        public Span<float> GetSpan(string name)
        {
            float[] v = owner._values.TryGetValue(name, out float[]? found) ? found : throw new KeyNotFoundException(name);
            owner._spanRequests.Add(name);
            return v;
        }

        public void Read(string name, long offset, Span<float> destination)
        {
            float[] v = owner._values.TryGetValue(name, out float[]? found) ? found : throw new KeyNotFoundException(name);
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + destination.Length, v.LongLength);
            owner.ReadCalls++;
            v.AsSpan((int)offset, destination.Length).CopyTo(destination);
        }
    }
}
