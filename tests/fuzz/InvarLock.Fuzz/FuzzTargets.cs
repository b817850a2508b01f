using InvarLock.Fuzz.Targets;

namespace InvarLock.Fuzz;

/// <summary>Every harness, by name. Targets are created by their factory only once the fuzzing loop runs: SharpFuzz
/// requires that no instrumented code (InvarLock.Core, .Models, .Sdk) runs before <c>Fuzzer.Run</c> has set up the
/// coverage map.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<(string Name, Func<IFuzzTarget> Create)> All { get; } =
    [
        (SafetensorsTarget.TargetName, () => new SafetensorsTarget()),
        (SafetensorsIndexTarget.TargetName, () => new SafetensorsIndexTarget()),
        (HfConfigTarget.TargetName, () => new HfConfigTarget()),
        (TokenizerTarget.TargetName, () => new TokenizerTarget()),
        (PolicyPresetTarget.TargetName, () => new PolicyPresetTarget()),
        (PolicyOverrideTarget.TargetName, () => new PolicyOverrideTarget()),
        (ReportVerifyTarget.TargetName, () => new ReportVerifyTarget()),
        (PluginPackageTarget.TargetName, () => new PluginPackageTarget()),
    ];

    /// <summary>The factory of target <paramref name="name"/>, or null.</summary>
    public static Func<IFuzzTarget>? Find(string name)
    {
        foreach ((string targetName, Func<IFuzzTarget> create) in All)
        {
            if (targetName == name)
            {
                return create;
            }
        }
        return null;
    }
}
