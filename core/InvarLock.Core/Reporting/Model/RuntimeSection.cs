namespace InvarLock.Core.Reporting.Model;

/// <summary>The machine and runtime the evaluation ran on.</summary>
public sealed record RuntimeSection(string Dotnet, string Os, string OsArchitecture, string ProcessArchitecture, int ProcessorCount,
    IReadOnlyList<string> InstructionSets, int Threads, string ComputeBackend);
