namespace InvarLock.Core.Pipeline;

/// <summary>The checkpoint an <c>--edit</c> run wrote: the exact weights the verdict is about.</summary>
/// <param name="Path">The folder (its final place in the output bundle).</param>
/// <param name="WeightsSha256">Digest of the written weights (equal to the subject's weights digest).</param>
/// <param name="RepairedByGuards">True when a guard changed the edited weights (for example variance scaling).</param>
/// <param name="Files">The files written, sorted.</param>
internal sealed record WrittenCheckpoint(string Path, string WeightsSha256, bool RepairedByGuards, IReadOnlyList<string> Files);
