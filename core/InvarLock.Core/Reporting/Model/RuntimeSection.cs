namespace InvarLock.Core.Reporting.Model;

/// <summary>The machine and runtime the evaluation ran on; <see cref="ExecutionMode"/> says whether the work on model
/// and data files ran in the tool's own process (<c>host</c>) or in a bubblewrap worker (<c>sandbox</c>).</summary>
public sealed record RuntimeSection(string Dotnet, string Os, string OsArchitecture, string ProcessArchitecture, int ProcessorCount,
    IReadOnlyList<string> InstructionSets, int Threads, string ComputeBackend, string ExecutionMode);
