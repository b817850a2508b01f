using System.Text.Json.Nodes;

namespace InvarLock.Sdk.Edits;

/// <summary>What an edit changed.</summary>
/// <param name="Name">The edit's name.</param>
/// <param name="Changes">One entry per parameter changed, sorted by parameter name.</param>
/// <param name="Details">Edit-specific facts (bit width, scheme) for the report.</param>
public sealed record EditResult(string Name, IReadOnlyList<ParameterChange> Changes, JsonObject? Details = null);
