namespace InvarLock.Sdk.Models;

/// <summary>A model's output projection: maps the final hidden states a forward pass hands to an
/// <see cref="IWindowSink"/> to vocabulary logits, one block of vocabulary columns at a time, so no caller has to hold a
/// whole window's vocabulary-wide logits.</summary>
/// <remarks>Logits are computed in float32 by the model's kernels; the same inputs always give the same bits, whatever
/// the thread count. Disposing a head handed out by a model does nothing; disposing a <see cref="Detach"/>ed copy
/// releases its weights.</remarks>
public interface IOutputHead : IDisposable
{
    /// <summary>Width of one hidden-state row (the head's input).</summary>
    int Hidden { get; }

    /// <summary>Number of logits per row (the vocabulary).</summary>
    int Vocab { get; }

    /// <summary>The column block the model's own loss used; a metric that reproduces it block by block gets the same
    /// floating-point results.</summary>
    int ColumnBlock { get; }

    /// <summary>Worker threads the model runs its kernels with; per-row work in a metric may use as many.</summary>
    int Threads { get; }

    /// <summary>Writes <c>logits[r, j] = head(hidden[r])[columnStart + j]</c> for <paramref name="rows"/> rows and
    /// <paramref name="columns"/> columns, row-major (<paramref name="logits"/> has at least rows × columns floats).</summary>
    void Logits(ReadOnlySpan<float> hidden, int rows, int columnStart, int columns, Span<float> logits);

    /// <summary>A copy of this head that no longer depends on the model (it survives the model's disposal), for
    /// comparing a later model's distributions with this one's. The caller owns and disposes it.</summary>
    IOutputHead Detach();
}
