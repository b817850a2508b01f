namespace InvarLock.Core.Policy;

/// <summary>What the user asked for.</summary>
/// <param name="Tier">Tier name; null means balanced.</param>
/// <param name="Profile">Profile name; null means dev.</param>
/// <param name="EditName">The edit that makes the subject, if any (edit adjustments apply).</param>
/// <param name="PresetPath">A preset YAML whose <c>guards</c>, <c>metrics</c> and <c>guard_order</c> keys override the tier.</param>
/// <param name="Overrides">Explicit <c>path=value</c> overrides (for example <c>guards.spectral.max_caps=3</c>), highest precedence.</param>
internal sealed record PolicyRequest(string? Tier, string? Profile, string? EditName, string? PresetPath, IReadOnlyList<string> Overrides)
{
    /// <summary>The policy fragment the edit declares (<see cref="Sdk.Edits.IEditPolicyAdjustments"/>), applied as the
    /// <c>edit:&lt;EditName&gt;</c> layer; null or empty adds no layer.</summary>
    public System.Text.Json.Nodes.JsonObject? EditAdjustments { get; init; }
}
