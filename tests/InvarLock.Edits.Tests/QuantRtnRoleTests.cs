using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Models;
using InvarLock.Sdk.Testing;

namespace InvarLock.Edits.Tests;

/// <summary><c>quant_rtn</c> on GPT-2-, LLaMA- and Phi-3-shaped models: targets follow roles, and a fused projection
/// quantizes to exactly what its separate parts would.</summary>
public sealed class QuantRtnRoleTests
{
    private static EditSpec Spec(string json = "{}") => new(JsonDocument.Parse(json).RootElement, 42);

    [Theory]
    [InlineData(FakeModelLayout.Gpt2, "all")]
    [InlineData(FakeModelLayout.Llama, "all")]
    [InlineData(FakeModelLayout.Phi3, "all")]
    [InlineData(FakeModelLayout.Llama, "attn")]
    [InlineData(FakeModelLayout.Phi3, "ffn")]
    public void Apply_EachLayout_QuantizesExactlyTheBlockProjectionsOfTheScope(FakeModelLayout layout, string scope)
    {
        var model = new FakeModel(layout);
        var untouched = model.Parameters.All.ToDictionary(p => p.Name, p => (float[])model.Values(p.Name).Clone());

        EditResult r = new QuantRtnEdit().Apply(model, Spec($$"""{"scope":"{{scope}}"}"""));

        var expected = model.Modules
            .Where(m => scope == "all" ? ModuleRoles.IsBlockProjection(m.Role) : m.Family == scope)
            .Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, ((JsonObject)r.Details!["modules"]!).Select(kv => kv.Key).Order(StringComparer.Ordinal));
        var changed = model.Parameters.All.Where(p => !untouched[p.Name].AsSpan().SequenceEqual(model.Values(p.Name))).Select(p => p.Name).ToList();
        var expectedWeights = model.Modules.Where(m => expected.Contains(m.Name)).Select(m => m.WeightName).Order(StringComparer.Ordinal);
        Assert.Equal(expectedWeights, changed.Order(StringComparer.Ordinal));
        // Embeddings, norms and the output head never change.
        Assert.DoesNotContain(model.Modules, m => !ModuleRoles.IsBlockProjection(m.Role) && changed.Contains(m.WeightName));
    }

    [Fact]
    public void Apply_FusedQkvAndGateUp_EqualQuantizingThePartsSeparately()
    {
        var separate = new FakeModel(FakeModelLayout.Llama, layers: 1, heads: 4, keyValueHeads: 2, seed: 3);
        var fused = new FakeModel(FakeModelLayout.Phi3, layers: 1, heads: 4, keyValueHeads: 2, seed: 5);
        const string S = "model.layers.0.";
        // Stack the separate weights as Phi-3 stores them: qkv rows q; k; v and gate_up rows gate; up.
        float[] qkv = [.. separate.Values(S + "self_attn.q_proj.weight"), .. separate.Values(S + "self_attn.k_proj.weight"), .. separate.Values(S + "self_attn.v_proj.weight")];
        float[] gateUp = [.. separate.Values(S + "mlp.gate_proj.weight"), .. separate.Values(S + "mlp.up_proj.weight")];
        qkv.CopyTo(fused.Values(S + "self_attn.qkv_proj.weight"), 0);
        gateUp.CopyTo(fused.Values(S + "mlp.gate_up_proj.weight"), 0);

        EditResult rf = new QuantRtnEdit().Apply(fused, Spec());
        new QuantRtnEdit().Apply(separate, Spec());

        Assert.Equal([.. separate.Values(S + "self_attn.q_proj.weight"), .. separate.Values(S + "self_attn.k_proj.weight"), .. separate.Values(S + "self_attn.v_proj.weight")],
            fused.Values(S + "self_attn.qkv_proj.weight"));
        Assert.Equal([.. separate.Values(S + "mlp.gate_proj.weight"), .. separate.Values(S + "mlp.up_proj.weight")],
            fused.Values(S + "mlp.gate_up_proj.weight"));
        Assert.NotEqual(qkv, fused.Values(S + "self_attn.qkv_proj.weight"));
        Assert.NotEqual(gateUp, fused.Values(S + "mlp.gate_up_proj.weight"));
        // One channel per output row of the fused matrix: (4 + 2·2) heads × 4 wide.
        Assert.Equal(32, rf.Details!["modules"]![S + "self_attn.qkv_proj"]!["channels"]!.GetValue<int>());
    }
}
