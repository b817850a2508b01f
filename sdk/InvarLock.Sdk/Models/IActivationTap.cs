namespace InvarLock.Sdk.Models;

/// <summary>Observes named module outputs during <see cref="IModel.Forward"/>.</summary>
/// <remarks>The span passed to <see cref="OnActivation"/> is borrowed: it is valid only during the call.
/// Copy what you need. Calls arrive on the evaluating thread, in module order within a window.</remarks>
public interface IActivationTap
{
    /// <summary>Module names (see <see cref="IModel.Modules"/>) whose outputs the tap wants.</summary>
    IReadOnlySet<string> ModuleNames { get; }

    /// <summary>Receives one module output for one window: <paramref name="tokens"/> rows of <paramref name="width"/> floats, row-major.</summary>
    void OnActivation(string moduleName, int windowIndex, ReadOnlySpan<float> activations, int tokens, int width);
}
