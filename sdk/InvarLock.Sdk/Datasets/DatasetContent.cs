namespace InvarLock.Sdk.Datasets;

/// <summary>Loaded evaluation text.</summary>
/// <param name="Documents">The documents in order; the core tokenizes each and concatenates the ids into one stream.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the source bytes (or of the generated text, UTF-8).</param>
/// <param name="Source">A human description of where the text came from (a path, or <c>synthetic(seed=…)</c>).</param>
public sealed record DatasetContent(IReadOnlyList<string> Documents, string Sha256, string Source);
