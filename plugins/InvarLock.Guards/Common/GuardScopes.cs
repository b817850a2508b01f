using InvarLock.Guards.Rmt;
using InvarLock.Guards.Spectral;
using InvarLock.Guards.Variance;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Common;

/// <summary>One listing of what each guard selects in a model, built from the same role-based classifiers the guards use
/// (<see cref="SpectralFamilies"/>, <see cref="ActivationEdgeRisk.IsTapped"/>, <see cref="VarianceTargets.BranchOf"/>), so a
/// test per architecture can check the families every guard sees in one table.</summary>
internal static class GuardScopes
{
    /// <summary>Every module of <paramref name="model"/> in model order with the spectral family (for
    /// <paramref name="spectralScope"/>; only modules with a 2-D weight), the RMT family and the variance branch.</summary>
    public static IReadOnlyList<GuardScope> Describe(IModel model, string spectralScope = "all")
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = new List<GuardScope>(model.Modules.Count);
        foreach (ModuleInfo m in model.Modules)
        {
            bool matrix = model.Parameters.TryGet(m.WeightName, out ParameterInfo info) && info.Shape.Count == 2;
            string? spectral = matrix && SpectralFamilies.InScope(m, spectralScope) ? SpectralFamilies.Classify(m) : null;
            string? rmt = ActivationEdgeRisk.IsTapped(m) ? ActivationEdgeRisk.Family(m) : null;
            string? variance = matrix && m.Kind is ModuleKind.Linear or ModuleKind.Conv1D ? VarianceTargets.BranchOf(m) : null;
            result.Add(new GuardScope(m.Name, m.Role, m.Layer, spectral, rmt, variance));
        }
        return result;
    }
}
