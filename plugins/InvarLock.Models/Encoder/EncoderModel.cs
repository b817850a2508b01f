using InvarLock.Models.Decoder;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Encoder;

/// <summary>A BERT or RoBERTa masked-LM model on the shared compute engine (<see cref="EncoderForward"/>). Its objective
/// is <c>mlm</c>: each window's hidden states are the head transform's output, and the head is the tied decoder.</summary>
internal sealed class EncoderModel : IModel
{
    private readonly TensorStore _weights;
    private readonly List<ModuleInfo> _modules;
    private readonly EncoderForward _forward;

    /// <summary>Builds the model over <paramref name="weights"/> (taken over: disposed with the model).</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.ShapeMismatch"/> for a missing, extra or misshapen tensor.</exception>
    internal EncoderModel(EncoderConfig config, TensorStore weights, ITokenizer tokenizer, int threads = 0, string source = "model weights")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        var layout = new EncoderLayout(config);
        layout.Validate(weights, source);
        Config = config;
        _weights = weights;
        Tokenizer = tokenizer;
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
        _modules = layout.BuildModules();
        long count = 0;
        foreach (ParameterInfo p in weights.All)
        {
            count += p.ElementCount;
        }
        Description = new ModelDescription(config.ModelType, config.Layers, config.Heads, config.Hidden, config.Vocab,
            config.MaxWindow, TiedEmbeddings: true, count, "mlm")
        {
            KeyValueHeads = config.Heads,
            HeadDim = config.HeadDim,
            IntermediateSize = config.Intermediate,
            NormKind = "layernorm",
            PositionKind = "learned",
            StoredDType = weights.HeldDType(),
        };
        _forward = new EncoderForward(config, _modules, Threads);
    }

    /// <summary>The architecture this model was built from.</summary>
    internal EncoderConfig Config { get; }

    /// <summary>Worker threads used by the kernels.</summary>
    public int Threads { get; }

    /// <inheritdoc />
    public ModelDescription Description { get; }

    /// <inheritdoc />
    public IReadOnlyList<ModuleInfo> Modules => _modules;

    /// <inheritdoc />
    public IParameterStore Parameters => _weights;

    /// <inheritdoc />
    public ITokenizer Tokenizer { get; }

    /// <inheritdoc />
    public void Forward(IReadOnlyList<ReadOnlyMemory<int>> windows, IWindowSink? sink, IActivationTap? taps = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        EncoderWeightSet weights = EncoderWeightSet.Resolve(Config, _weights);
        var head = new LinearOutputHead(weights.WordEmbedding, weights.HeadBias, Config.Hidden, Config.Vocab, EncoderForward.VocabChunk, Threads);
        TapPlan? plan = TapPlan.Create(taps, _modules);
        for (int w = 0; w < windows.Count; w++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadOnlySpan<int> tokens = windows[w].Span;
            ReadOnlySpan<float> hidden = _forward.Hidden(weights, tokens, w, plan);
            sink?.OnWindow(new WindowOutput(w, tokens, hidden, head));
        }
    }

    /// <summary>The full logits [length, vocab] of one window (row-major), for parity tests.</summary>
    internal float[] ComputeLogits(ReadOnlySpan<int> tokens)
    {
        EncoderWeightSet weights = EncoderWeightSet.Resolve(Config, _weights);
        var head = new LinearOutputHead(weights.WordEmbedding, weights.HeadBias, Config.Hidden, Config.Vocab, EncoderForward.VocabChunk, Threads);
        ReadOnlySpan<float> hidden = _forward.Hidden(weights, tokens, 0, null);
        var logits = new float[checked(tokens.Length * Config.Vocab)];
        head.Logits(hidden, tokens.Length, 0, Config.Vocab, logits);
        return logits;
    }

    /// <inheritdoc />
    public IModelSnapshot Snapshot() => _weights.Snapshot();

    /// <inheritdoc />
    public void Restore(IModelSnapshot snapshot) => _weights.Restore(snapshot);

    /// <inheritdoc />
    public void Dispose() => _weights.Dispose();
}
