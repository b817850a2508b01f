using InvarLock.Sdk;

namespace InvarLock.Guards.Common;

/// <summary>Names, versions and one-line descriptions of the first-party guards.</summary>
internal static class GuardDescriptors
{
    private static readonly Version V1 = new(1, 0, 0);

    public static PluginDescriptor Invariants { get; } =
        new("invariants", V1, "Structural invariants: parameter count, norms, vocab sizes, weight tying, finite weights, structure hash");

    public static PluginDescriptor Spectral { get; } =
        new("spectral", V1, "Per-family spectral-norm z-scores with kappa caps, multiple testing and degeneracy checks");

    public static PluginDescriptor Rmt { get; } =
        new("rmt", V1, "Activation edge risk against the Marchenko-Pastur edge, per-family epsilon band");

    public static PluginDescriptor Variance { get; } =
        new("variance", V1, "Variance equalisation of residual projections, enabled only when a paired A/B test shows a gain");
}
