namespace InvarLock.Sdk.Edits;

/// <summary>How one parameter changed under an edit.</summary>
/// <param name="Parameter">The parameter name.</param>
/// <param name="Elements">Number of elements in the parameter.</param>
/// <param name="MaxAbsChange">Largest absolute change of any element.</param>
/// <param name="RelativeFrobeniusChange">‖W′ − W‖_F / ‖W‖_F.</param>
public sealed record ParameterChange(string Parameter, long Elements, double MaxAbsChange, double RelativeFrobeniusChange);
