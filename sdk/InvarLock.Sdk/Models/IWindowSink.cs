namespace InvarLock.Sdk.Models;

/// <summary>Receives the output of each window's forward pass in <see cref="IModel.Forward"/>: the final hidden states
/// and the head that turns them into logits. Metrics compute their objective from it.</summary>
/// <remarks>Calls arrive on the evaluating thread, once per window, in window order; the spans inside
/// <see cref="WindowOutput"/> are borrowed and valid only during the call.</remarks>
public interface IWindowSink
{
    /// <summary>Receives one window's output.</summary>
    void OnWindow(in WindowOutput output);
}
