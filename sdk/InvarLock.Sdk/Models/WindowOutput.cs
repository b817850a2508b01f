namespace InvarLock.Sdk.Models;

/// <summary>One window's forward-pass output, borrowed for the duration of <see cref="IWindowSink.OnWindow"/>.</summary>
public readonly ref struct WindowOutput
{
    /// <summary>Creates an output view.</summary>
    public WindowOutput(int windowIndex, ReadOnlySpan<int> tokens, ReadOnlySpan<float> hidden, IOutputHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        if (hidden.Length != tokens.Length * head.Hidden)
        {
            throw new ArgumentException("hidden must hold tokens × head.Hidden floats", nameof(hidden));
        }
        WindowIndex = windowIndex;
        Tokens = tokens;
        Hidden = hidden;
        Head = head;
    }

    /// <summary>Index of the window in the list passed to <see cref="IModel.Forward"/>.</summary>
    public int WindowIndex { get; }

    /// <summary>The window's input token ids (as fed to the model).</summary>
    public ReadOnlySpan<int> Tokens { get; }

    /// <summary>The final hidden states, <c>Tokens.Length</c> rows of <c>Head.Hidden</c> floats, row-major: the input
    /// of <see cref="Head"/> (for a causal LM, row t predicts token t + 1).</summary>
    public ReadOnlySpan<float> Hidden { get; }

    /// <summary>The model's output head.</summary>
    public IOutputHead Head { get; }
}
