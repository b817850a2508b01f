namespace InvarLock.Core.Reporting.Model;

/// <summary>One guard finding.</summary>
public sealed record GuardViolationSection(string Code, string Message, string? Module, double? Value, double? Threshold, bool Fatal);
