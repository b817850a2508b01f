namespace InvarLock.Sdk.Guards;

/// <summary>One finding of a guard.</summary>
/// <param name="Code">Stable short code, for example <c>non_finite</c> or <c>spectral_z</c>.</param>
/// <param name="Message">A sentence a reviewer understands.</param>
/// <param name="Module">The module or parameter concerned, if any.</param>
/// <param name="Value">The measured value, if numeric.</param>
/// <param name="Threshold">The limit it crossed, if any.</param>
/// <param name="Fatal">True when the finding alone fails the guard.</param>
public sealed record GuardViolation(string Code, string Message, string? Module = null, double? Value = null,
    double? Threshold = null, bool Fatal = true);
