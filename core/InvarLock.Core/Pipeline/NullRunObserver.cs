namespace InvarLock.Core.Pipeline;

/// <summary>An observer that ignores everything.</summary>
public sealed class NullRunObserver : IRunObserver
{
    public static NullRunObserver Instance { get; } = new();

    private NullRunObserver() { }

    public void StageStarted(string stage, int totalWork) { }

    public void Advanced(int work) { }

    public void StageCompleted(string stage) { }
}
