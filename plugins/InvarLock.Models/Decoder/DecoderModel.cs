using InvarLock.Models.Weights;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Decoder;

/// <summary>A causal decoder of any supported family (Hugging Face layout) evaluated on the CPU with
/// <c>InvarLock.Compute</c>. Weights stay in their stored form (half precision stays half); compute is float32.</summary>
public sealed class DecoderModel : IModel
{
    private readonly TensorStore _weights;
    private readonly List<ModuleInfo> _modules;
    private readonly DecoderForward _forward;

    /// <summary>Wraps <paramref name="weights"/> (taken over and disposed with the model) as a decoder.</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="weights">Every tensor the architecture needs, under its Hugging Face name.</param>
    /// <param name="tokenizer">The checkpoint's tokenizer.</param>
    /// <param name="threads">Worker threads for the kernels; 0 means all processors. Results never depend on it.</param>
    /// <param name="source">Names the weights in error messages (the model folder).</param>
    /// <exception cref="InvarLockException">A tensor is missing, extra or has the wrong shape
    /// (<see cref="ErrorCodes.ShapeMismatch"/>); a tied head stored with values that differ from the embedding.</exception>
    internal DecoderModel(DecoderConfig config, TensorStore weights, ITokenizer tokenizer, int threads = 0, string source = "model weights")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        if (config.TiedHead)
        {
            DropDuplicateHead(config, weights, source);
        }
        var layout = new DecoderLayout(config);
        layout.Validate(weights, source);
        Config = config;
        _weights = weights;
        Tokenizer = tokenizer;
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
        _modules = layout.BuildModules();
        StoredDType = weights.HeldDType();
        Description = new ModelDescription(config.ModelType, config.Layers, config.Heads, config.Hidden, config.Vocab,
            config.MaxPositions, config.TiedHead, CountParameters(weights), "causal")
        {
            KeyValueHeads = config.KeyValueHeads,
            HeadDim = config.HeadDim,
            IntermediateSize = config.Intermediate,
            NormKind = config.Norm == NormKind.LayerNorm ? "layernorm" : "rmsnorm",
            PositionKind = config.Position == PositionKind.Learned ? "learned" : "rotary",
            StoredDType = StoredDType,
        };
        _forward = new DecoderForward(config, _modules, Threads);
    }

    /// <summary>A GPT-2 over <paramref name="weights"/> (taken over): for benchmarks and tools that build weights in memory.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MalformedConfig"/> or <see cref="ErrorCodes.ShapeMismatch"/>.</exception>
    public static DecoderModel FromGpt2(Gpt2.Gpt2Config config, TensorStore weights, ITokenizer tokenizer, int threads = 0) =>
        new(Gpt2Family.FromGpt2Config(config), weights, tokenizer, threads);

    /// <summary>The architecture this model was built from.</summary>
    internal DecoderConfig Config { get; }

    /// <summary>Worker threads used by the kernels.</summary>
    public int Threads { get; }

    /// <summary>The element type the weights were loaded in (<c>F32</c>, <c>F16</c>, <c>BF16</c> or <c>mixed</c>).</summary>
    internal string StoredDType { get; }

    /// <inheritdoc />
    public ModelDescription Description { get; }

    /// <inheritdoc />
    public IReadOnlyList<ModuleInfo> Modules => _modules;

    /// <inheritdoc />
    public IParameterStore Parameters => _weights;

    /// <summary>The weights in their stored form.</summary>
    internal TensorStore Weights => _weights;

    /// <inheritdoc />
    public ITokenizer Tokenizer { get; }

    /// <inheritdoc />
    public void Forward(IReadOnlyList<ReadOnlyMemory<int>> windows, IWindowSink? sink, IActivationTap? taps = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        DecoderWeights weights = DecoderWeights.Resolve(Config, _weights);
        var head = new LinearOutputHead(weights.Head, null, Config.Hidden, Config.Vocab, DecoderForward.VocabChunk, Threads);
        TapPlan? plan = TapPlan.Create(taps, _modules);
        for (int w = 0; w < windows.Count; w++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadOnlySpan<int> tokens = windows[w].Span;
            ReadOnlySpan<float> hidden = _forward.Hidden(weights, tokens, w, plan, head);
            sink?.OnWindow(new WindowOutput(w, tokens, hidden, head));
        }
    }

    /// <summary>The full logits [length, vocab] of one window (row-major), for parity tests.</summary>
    internal float[] ComputeLogits(ReadOnlySpan<int> tokens)
    {
        DecoderWeights weights = DecoderWeights.Resolve(Config, _weights);
        return _forward.Logits(weights, tokens, new LinearOutputHead(weights.Head, null, Config.Hidden, Config.Vocab, DecoderForward.VocabChunk, Threads));
    }

    /// <summary>The rotary inverse frequencies a window of <paramref name="length"/> tokens uses (null without RoPE).</summary>
    internal float[]? InverseFrequencies(int length) => _forward.InverseFrequencies(length);

    /// <inheritdoc />
    public IModelSnapshot Snapshot() => _weights.Snapshot();

    /// <inheritdoc />
    public void Restore(IModelSnapshot snapshot) => _weights.Restore(snapshot);

    /// <inheritdoc />
    public void Dispose() => _weights.Dispose();

    /// <summary>A tied checkpoint may still store the head: accept it only as an exact copy of the embedding.</summary>
    private static void DropDuplicateHead(DecoderConfig config, TensorStore weights, string source)
    {
        string head = config.Names.Weight(ModuleRole.OutputHead);
        if (!weights.TryGet(head, out ParameterInfo info))
        {
            return;
        }
        string embedding = config.Names.Weight(ModuleRole.TokenEmbedding);
        if (!weights.TryGet(embedding, out ParameterInfo embeddingInfo) || !info.Shape.SequenceEqual(embeddingInfo.Shape)
            || !SameValues(weights, head, embedding, info.ElementCount))
        {
            throw new InvarLockException(ErrorCodes.ShapeMismatch,
                $"{source}: tie_word_embeddings is true but the stored '{head}' differs from '{embedding}'");
        }
        weights.Remove(head);
    }

    private static bool SameValues(TensorStore weights, string a, string b, long count)
    {
        const int Chunk = 1 << 16;
        var x = new float[Chunk];
        var y = new float[Chunk];
        for (long done = 0; done < count; done += Chunk)
        {
            int n = (int)Math.Min(Chunk, count - done);
            weights.Read(a, done, x.AsSpan(0, n));
            weights.Read(b, done, y.AsSpan(0, n));
            for (int i = 0; i < n; i++)
            {
                if (BitConverter.SingleToInt32Bits(x[i]) != BitConverter.SingleToInt32Bits(y[i]))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static long CountParameters(TensorStore weights)
    {
        long total = 0;
        foreach (ParameterInfo p in weights.All)
        {
            total += p.ElementCount;
        }
        return total;
    }
}
