namespace InvarLock.Sdk.Models;

/// <summary>A loaded model: its structure, parameters, tokenizer and a forward pass with activation taps.</summary>
/// <remarks>A model owns its weight buffers; dispose it to release them. Implementations are not thread-safe:
/// one caller evaluates or edits at a time.</remarks>
public interface IModel : IDisposable
{
    /// <summary>Architecture-level facts (layers, heads, vocabulary, tying).</summary>
    ModelDescription Description { get; }

    /// <summary>The named modules in execution order, with kind and family.</summary>
    IReadOnlyList<ModuleInfo> Modules { get; }

    /// <summary>The named parameters (Hugging Face names), readable and writable as float32 spans.</summary>
    IParameterStore Parameters { get; }

    /// <summary>The tokenizer that belongs to the checkpoint.</summary>
    ITokenizer Tokenizer { get; }

    /// <summary>Runs the forward pass on each window and hands <paramref name="sink"/> its final hidden states and
    /// the output head; the caller (a metric) computes its objective from them.</summary>
    /// <param name="windows">Token id windows; each is evaluated independently (no state carries over).</param>
    /// <param name="sink">Receives each window's output; null runs the trunk only (for taps).</param>
    /// <param name="taps">Optional observers of named module outputs during the forward passes.</param>
    /// <param name="cancellationToken">Cancels between windows.</param>
    void Forward(IReadOnlyList<ReadOnlyMemory<int>> windows, IWindowSink? sink, IActivationTap? taps = null,
        CancellationToken cancellationToken = default);

    /// <summary>Copies every parameter so the model can later be put back exactly with <see cref="Restore"/>.</summary>
    IModelSnapshot Snapshot();

    /// <summary>Restores every parameter bit-for-bit from <paramref name="snapshot"/>, taken from this model.</summary>
    void Restore(IModelSnapshot snapshot);
}
