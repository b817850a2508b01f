using System.Text.Json.Nodes;

namespace InvarLock.Core.Reporting.Model;

/// <summary>The edit that made the subject (absent when the subject was brought in).</summary>
public sealed record EditSection(string Name, int ParametersChanged, IReadOnlyList<ParameterChangeSection> Changes, JsonObject? Details);
