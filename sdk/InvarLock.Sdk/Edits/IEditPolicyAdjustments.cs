using System.Text.Json.Nodes;

namespace InvarLock.Sdk.Edits;

/// <summary>Optional capability of an <see cref="IEdit"/>: policy changes a run needs whenever this edit makes the
/// subject (for example a looser deadband for a guard the edit is known to disturb, or a guard switched to
/// monitor-only). The resolver merges them above the tier defaults and the config root and below the preset and
/// <c>--policy</c> overrides, and records the layer as <c>edit:&lt;name&gt;</c> in the policy sources.</summary>
public interface IEditPolicyAdjustments
{
    /// <summary>A fragment of the policy document, for example <c>{"guards": {"rmt": {"deadband": 0.15}}}</c>; only
    /// <c>guards</c> and <c>metrics</c> may appear. Objects deep-merge; scalars and lists replace. Return a new object
    /// each call; an empty object adds no layer.</summary>
    JsonObject PolicyAdjustments();
}
