using System.Text.Json.Nodes;

namespace InvarLock.Core.Reporting.Model;

/// <summary>The edit that made the subject (absent when the subject was brought in), and the checkpoint the run wrote of
/// the graded weights (null when none was written).</summary>
public sealed record EditSection(string Name, int ParametersChanged, IReadOnlyList<ParameterChangeSection> Changes, JsonObject? Details,
    CheckpointSection? Checkpoint);
