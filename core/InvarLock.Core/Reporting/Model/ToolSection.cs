namespace InvarLock.Core.Reporting.Model;

/// <summary>The tool that wrote the report.</summary>
public sealed record ToolSection(string Name, string Version);
