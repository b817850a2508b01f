namespace InvarLock.Core.Reporting.Model;

/// <summary>How one parameter changed.</summary>
public sealed record ParameterChangeSection(string Parameter, long Elements, double? MaxAbsChange, double? RelativeFrobeniusChange);
