using System.Text.Json;

namespace InvarLock.Sdk.Edits;

/// <summary>Parameters of an edit.</summary>
/// <param name="Parameters">Edit-specific settings as a JSON object (may be an empty object).</param>
/// <param name="Seed">Seed for stochastic edits.</param>
public sealed record EditSpec(JsonElement Parameters, int Seed);
