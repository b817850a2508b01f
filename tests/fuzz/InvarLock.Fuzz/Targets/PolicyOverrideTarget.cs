
namespace InvarLock.Fuzz.Targets;

/// <summary><c>--policy PATH=VALUE</c> overrides, one per input line, (path
/// parsing, value parsing, the merge and every validator), through <c>evaluate --policy</c>.</summary>
internal sealed class PolicyOverrideTarget : IFuzzTarget
{
    /// <summary>The target's name (a constant, so listing targets runs no instrumented code).</summary>
    public const string TargetName = "policy-override";

    public string Name => TargetName;

    public void Run(byte[] input)
    {
        string[] overrides = System.Text.Encoding.UTF8.GetString(input).Split('\n');
        FirstPartyGuards.EvaluatePolicyOnly(null, overrides);
    }

    public void WriteSeeds(string folder)
    {
        File.WriteAllText(Path.Combine(folder, "documented.txt"), "guards.spectral.max_caps=3");
        File.WriteAllText(Path.Combine(folder, "several.txt"),
            "metrics.pm_ratio.ratio_limit_base=1.2\nguards.rmt.deadband=0.15\nguards.variance.monitor_only=true\nmetrics.pm_tail.mode=fail");
        File.WriteAllText(Path.Combine(folder, "lists-and-nulls.txt"),
            "guard_order=[\"invariants\",\"spectral\"]\nguards.rmt.activation_required=null\nmetrics.pm_tail.quantile=0.9");
    }
}
