using InvarLock.Sdk;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Models;

namespace InvarLock.Edits;

/// <summary>The identity edit: changes nothing. Evaluating it gives the baseline against itself.</summary>
public sealed class NoopEdit : IEdit
{
    public PluginDescriptor Descriptor { get; } = new("noop", new Version(1, 0), "Changes nothing (baseline against itself)");

    public EditResult Apply(IModel model, EditSpec spec)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new EditResult("noop", [], new System.Text.Json.Nodes.JsonObject { ["plan_digest"] = "noop" });
    }
}
