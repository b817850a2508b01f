using InvarLock.Core.Pipeline;

namespace InvarLock.Cli;

/// <summary>Passes progress on and stops the run at its next step once <paramref name="token"/> is cancelled (SIGINT/SIGTERM).</summary>
internal sealed class CancellingObserver(IRunObserver inner, CancellationToken token) : IRunObserver
{
    public void StageStarted(string stage, int totalWork)
    {
        token.ThrowIfCancellationRequested();
        inner.StageStarted(stage, totalWork);
    }

    public void Advanced(int work)
    {
        token.ThrowIfCancellationRequested();
        inner.Advanced(work);
    }

    public void StageCompleted(string stage)
    {
        token.ThrowIfCancellationRequested();
        inner.StageCompleted(stage);
    }
}
