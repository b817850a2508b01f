namespace InvarLock.Core.Pipeline;

/// <summary>Where an <c>--edit</c> run writes the checkpoint it graded (the edit, plus any guard repair).</summary>
/// <param name="WriteTo">The folder to write now (inside the output bundle's staging folder).</param>
/// <param name="FinalPath">Where the folder will be once the bundle is committed; the report names this path.</param>
public sealed record CheckpointOutput(string WriteTo, string FinalPath);
