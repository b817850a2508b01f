using InvarLock.Fuzz.Targets;

namespace InvarLock.Fuzz;

/// <summary>Every harness, by name.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new SafetensorsTarget(), new SafetensorsIndexTarget(), new HfConfigTarget(), new TokenizerTarget(),
        new PolicyPresetTarget(), new PolicyOverrideTarget(), new ReportVerifyTarget(), new PluginPackageTarget(),
    ];

    public static IFuzzTarget? Find(string name)
    {
        foreach (IFuzzTarget target in All)
        {
            if (target.Name == name)
            {
                return target;
            }
        }
        return null;
    }
}
