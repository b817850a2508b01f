using System.Text.Json.Nodes;
using InvarLock.Sdk.Edits;

namespace InvarLock.Edits.Tests;

/// <summary>The edits declare the policy they need (core no longer special-cases their names).</summary>
public sealed class EditPolicyAdjustmentsTests
{
    [Fact]
    public void PolicyAdjustments_QuantRtn_WidensRmtDeadband()
    {
        JsonObject adjustments = ((IEditPolicyAdjustments)new QuantRtnEdit()).PolicyAdjustments();

        Assert.Equal("""{"guards":{"rmt":{"deadband":0.15}}}""", adjustments.ToJsonString());
    }

    [Fact]
    public void PolicyAdjustments_Noop_SetsVarianceMonitorOnly()
    {
        JsonObject adjustments = ((IEditPolicyAdjustments)new NoopEdit()).PolicyAdjustments();

        Assert.Equal("""{"guards":{"variance":{"monitor_only":true}}}""", adjustments.ToJsonString());
    }
}
