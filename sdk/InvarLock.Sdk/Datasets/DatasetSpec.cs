namespace InvarLock.Sdk.Datasets;

/// <summary>What to load.</summary>
/// <param name="Path">A local file, for file-backed providers.</param>
/// <param name="Seed">Seed for generated or sampled data.</param>
/// <param name="MinCharacters">A hint: generated providers produce at least this much text.</param>
public sealed record DatasetSpec(string? Path, int Seed, int MinCharacters = 0);
