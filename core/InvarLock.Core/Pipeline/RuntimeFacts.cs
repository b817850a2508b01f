namespace InvarLock.Core.Pipeline;

/// <summary>Facts about the running tool the host supplies (the core does not reference the compute plugin).</summary>
/// <param name="ToolVersion">InvarLock version.</param>
/// <param name="ComputeBackend">Compute backend and instruction sets in use.</param>
/// <param name="Threads">Kernel threads.</param>
public sealed record RuntimeFacts(string ToolVersion, string ComputeBackend, int Threads);
