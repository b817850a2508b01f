namespace InvarLock.Core.Pipeline;

/// <summary>Facts about the running tool the host supplies (the core does not reference the compute plugin).</summary>
/// <param name="ToolVersion">InvarLock version.</param>
/// <param name="ComputeBackend">Compute backend and instruction sets in use.</param>
/// <param name="Threads">Kernel threads.</param>
public sealed record RuntimeFacts(string ToolVersion, string ComputeBackend, int Threads)
{
    /// <summary>Where the work on model and data files ran: <c>host</c> (in this process) or <c>sandbox</c> (in a
    /// bubblewrap worker, docs/security/sandbox.md).</summary>
    public string ExecutionMode { get; init; } = "host";
}
