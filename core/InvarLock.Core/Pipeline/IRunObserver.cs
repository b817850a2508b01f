namespace InvarLock.Core.Pipeline;

/// <summary>Receives progress of a long run (the CLI draws progress bars from it; tests and --json ignore it).</summary>
public interface IRunObserver
{
    /// <summary>A stage began; <paramref name="totalWork"/> units will be reported (0 when unknown).</summary>
    void StageStarted(string stage, int totalWork);

    /// <summary>Some units of the current stage were done.</summary>
    void Advanced(int work);

    /// <summary>The current stage finished.</summary>
    void StageCompleted(string stage);
}
