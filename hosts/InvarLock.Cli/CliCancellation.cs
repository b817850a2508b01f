using System.Runtime.InteropServices;

namespace InvarLock.Cli;

/// <summary>Turns SIGINT and SIGTERM into a cancellation the run observes: the first signal stops the run at its next
/// step (the output bundle is discarded, the CLI prints one line and exits 130 or 143); a second signal ends the
/// process at once.</summary>
internal sealed class CliCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signal = -1;

    /// <summary>Cancelled when the first signal arrives.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The signal that cancelled the run, or null.</summary>
    public PosixSignal? Signal => _signal < 0 ? null : (PosixSignal)(_signal - 100);

    /// <summary>Listens for SIGINT and SIGTERM for the lifetime of the object.</summary>
    public static CliCancellation ForProcess()
    {
        var cancellation = new CliCancellation();
        foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            cancellation._registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                // A second signal falls through to the default handling (the process ends).
                context.Cancel = cancellation.Cancel(context.Signal);
            }));
        }
        return cancellation;
    }

    /// <summary>Cancels as if <paramref name="signal"/> had arrived; false when a signal already did.</summary>
    public bool Cancel(PosixSignal signal)
    {
        if (Interlocked.CompareExchange(ref _signal, (int)signal + 100, -1) != -1)
        {
            return false;
        }
        _source.Cancel();
        return true;
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _registrations)
        {
            r.Dispose();
        }
        _source.Dispose();
    }
}
