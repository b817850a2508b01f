using InvarLock.Sdk;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Models;

namespace InvarLock.Edits;

/// <summary>The identity edit: changes nothing. Evaluating it gives the baseline against itself.</summary>
/// <remarks>Nothing changes, so the variance guard must not repair anything: the edit sets it monitor-only.</remarks>
public sealed class NoopEdit : IEdit, IEditPolicyAdjustments
{
    public PluginDescriptor Descriptor { get; } = new("noop", new Version(1, 0), "Changes nothing (baseline against itself)");

    /// <inheritdoc />
    public System.Text.Json.Nodes.JsonObject PolicyAdjustments() => new()
    {
        ["guards"] = new System.Text.Json.Nodes.JsonObject
        {
            ["variance"] = new System.Text.Json.Nodes.JsonObject { ["monitor_only"] = true },
        },
    };

    public EditResult Apply(IModel model, EditSpec spec)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new EditResult("noop", [], new System.Text.Json.Nodes.JsonObject { ["plan_digest"] = "noop" });
    }
}
