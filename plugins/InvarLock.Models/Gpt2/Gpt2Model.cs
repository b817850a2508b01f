using InvarLock.Models.Weights;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Gpt2;

/// <summary>A GPT-2 causal language model (Hugging Face layout) evaluated on the CPU with <c>InvarLock.Compute</c>.</summary>
public sealed class Gpt2Model : IModel
{
    private readonly Gpt2Config _config;
    private readonly TensorStore _weights;
    private readonly List<ModuleInfo> _modules;
    private readonly Gpt2Forward _forward;

    /// <summary>Wraps <paramref name="weights"/> (taken over, not copied) as a GPT-2 model.</summary>
    /// <param name="config">The architecture.</param>
    /// <param name="weights">Every tensor the architecture needs, under its Hugging Face name.</param>
    /// <param name="tokenizer">The checkpoint's tokenizer.</param>
    /// <param name="threads">Worker threads for the kernels; 0 means all processors. Results never depend on it.</param>
    /// <exception cref="InvarLockException">A tensor is missing or has the wrong shape (<see cref="ErrorCodes.ShapeMismatch"/>).</exception>
    public Gpt2Model(Gpt2Config config, TensorStore weights, ITokenizer tokenizer, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        _config = config;
        _weights = weights;
        Tokenizer = tokenizer;
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
        Gpt2Layout.Validate(config, weights);
        UsesSeparateHead = !config.TieWordEmbeddings && weights.TryGet(Gpt2Layout.LmHead, out _);
        _modules = Gpt2Layout.BuildModules(config, UsesSeparateHead);
        Description = new ModelDescription("gpt2", config.NLayer, config.NHead, config.NEmbd, config.VocabSize,
            config.NPositions, !UsesSeparateHead, CountParameters(weights, UsesSeparateHead), "causal");
        _forward = new Gpt2Forward(config, Threads);
    }

    /// <summary>Worker threads used by the kernels.</summary>
    public int Threads { get; }

    /// <summary>True when the output head is a separate <c>lm_head.weight</c> rather than the token embedding.</summary>
    internal bool UsesSeparateHead { get; }

    /// <inheritdoc />
    public ModelDescription Description { get; }

    /// <inheritdoc />
    public IReadOnlyList<ModuleInfo> Modules => _modules;

    /// <inheritdoc />
    public IParameterStore Parameters => _weights;

    /// <inheritdoc />
    public ITokenizer Tokenizer { get; }

    /// <summary>The architecture this model was built from.</summary>
    public Gpt2Config Config => _config;

    /// <inheritdoc />
    public IReadOnlyList<WindowLoss> Evaluate(IReadOnlyList<ReadOnlyMemory<int>> windows, IActivationTap? taps = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var results = new WindowLoss[windows.Count];
        Gpt2Weights weights = Gpt2Weights.Resolve(_config, _weights, UsesSeparateHead);
        TapPlan? plan = TapPlan.Create(taps, _modules);
        for (int w = 0; w < windows.Count; w++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results[w] = _forward.WindowLoss(weights, windows[w].Span, w, plan);
        }
        return results;
    }

    /// <summary>The full logits [length, vocab] of one window (row-major), for parity tests.</summary>
    internal float[] ComputeLogits(ReadOnlySpan<int> tokens)
    {
        return _forward.Logits(Gpt2Weights.Resolve(_config, _weights, UsesSeparateHead), tokens);
    }

    /// <inheritdoc />
    public IModelSnapshot Snapshot() => _weights.Snapshot();

    /// <inheritdoc />
    public void Restore(IModelSnapshot snapshot) => _weights.Restore(snapshot);

    /// <inheritdoc />
    public void Dispose()
    {
        // Weights are managed arrays; nothing native to release.
    }

    private static long CountParameters(TensorStore weights, bool separateHead)
    {
        long total = 0;
        foreach (ParameterInfo p in weights.All)
        {
            if (!separateHead && p.Name == Gpt2Layout.LmHead)
            {
                continue; // tied to the token embedding: counted once, under wte
            }
            total += p.ElementCount;
        }
        return total;
    }
}
