using InvarLock.Guards.Common;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Tests.Roles;

/// <summary>What each guard sees, per architecture shape: the spectral family, the RMT family and the variance branch of
/// every module of a one-block GPT-2, LLaMA (GQA) and Phi-3 (fused) model.</summary>
public class GuardScopesTests
{
    // module → (spectral family, RMT family, variance branch); "-" = not selected.
    private static readonly (string Module, string Spectral, string Rmt, string Variance)[] Gpt2 =
    [
        ("transformer.wte", "embed", "embed", "-"),
        ("transformer.wpe", "embed", "embed", "-"),
        ("transformer.h.0.ln_1", "-", "other", "-"),
        ("transformer.h.0.attn.c_attn", "attn", "attn", "-"),
        ("transformer.h.0.attn.c_proj", "attn", "attn", "attn"),
        ("transformer.h.0.ln_2", "-", "other", "-"),
        ("transformer.h.0.mlp.c_fc", "ffn", "ffn", "-"),
        ("transformer.h.0.mlp.c_proj", "ffn", "ffn", "mlp"),
        ("transformer.ln_f", "-", "other", "-"),
    ];

    private static readonly (string Module, string Spectral, string Rmt, string Variance)[] Llama =
    [
        ("model.embed_tokens", "embed", "embed", "-"),
        ("model.layers.0.input_layernorm", "-", "other", "-"),
        ("model.layers.0.self_attn.q_proj", "attn", "attn", "-"),
        ("model.layers.0.self_attn.k_proj", "attn", "attn", "-"),
        ("model.layers.0.self_attn.v_proj", "attn", "attn", "-"),
        ("model.layers.0.self_attn.o_proj", "attn", "attn", "attn"),
        ("model.layers.0.post_attention_layernorm", "-", "other", "-"),
        ("model.layers.0.mlp.gate_proj", "ffn", "ffn", "-"),
        ("model.layers.0.mlp.up_proj", "ffn", "ffn", "-"),
        ("model.layers.0.mlp.down_proj", "ffn", "ffn", "mlp"),
        ("model.norm", "-", "other", "-"),
        ("lm_head", "other", "-", "-"),
    ];

    private static readonly (string Module, string Spectral, string Rmt, string Variance)[] Phi3 =
    [
        ("model.embed_tokens", "embed", "embed", "-"),
        ("model.layers.0.input_layernorm", "-", "other", "-"),
        ("model.layers.0.self_attn.qkv_proj", "attn", "attn", "-"),
        ("model.layers.0.self_attn.o_proj", "attn", "attn", "attn"),
        ("model.layers.0.post_attention_layernorm", "-", "other", "-"),
        ("model.layers.0.mlp.gate_up_proj", "ffn", "ffn", "-"),
        ("model.layers.0.mlp.down_proj", "ffn", "ffn", "mlp"),
        ("model.norm", "-", "other", "-"),
        ("lm_head", "other", "-", "-"),
    ];

    public static TheoryData<FakeModelLayout> Layouts => [FakeModelLayout.Gpt2, FakeModelLayout.Llama, FakeModelLayout.Phi3];

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Describe_EachLayout_GivesTheFamiliesOfTheReferenceTable(FakeModelLayout layout)
    {
        var expected = layout switch
        {
            FakeModelLayout.Gpt2 => Gpt2,
            FakeModelLayout.Llama => Llama,
            _ => Phi3,
        };
        IReadOnlyList<GuardScope> seen = GuardScopes.Describe(new FakeModel(layout, layers: 1));
        Assert.Equal(
            expected.Select(e => $"{e.Module} {e.Spectral} {e.Rmt} {e.Variance}"),
            seen.Select(s => $"{s.Module} {s.Spectral ?? "-"} {s.Rmt ?? "-"} {s.Variance ?? "-"}"));
    }

    [Fact]
    public void Describe_RenamedModules_FollowRolesNotNames()
    {
        var model = new FakeModel(FakeModelLayout.Llama, layers: 1);
        // Give every module a meaningless name: what the guards select must not change.
        var renamed = model.ModuleList.Select((m, i) => m with { Name = $"blob{i}" }).ToList();
        var before = GuardScopes.Describe(model).Select(s => (s.Role, s.Spectral, s.Rmt, s.Variance)).ToList();
        model.ModuleList.Clear();
        model.ModuleList.AddRange(renamed);
        var after = GuardScopes.Describe(model).Select(s => (s.Role, s.Spectral, s.Rmt, s.Variance)).ToList();
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData("attn", "model.layers.0.self_attn.q_proj,model.layers.0.self_attn.k_proj,model.layers.0.self_attn.v_proj,model.layers.0.self_attn.o_proj")]
    [InlineData("ffn", "model.layers.0.mlp.gate_proj,model.layers.0.mlp.up_proj,model.layers.0.mlp.down_proj")]
    [InlineData("ffn+proj", "model.layers.0.self_attn.o_proj,model.layers.0.mlp.gate_proj,model.layers.0.mlp.up_proj,model.layers.0.mlp.down_proj")]
    public void Describe_LlamaSpectralScopes_SelectByRole(string scope, string modules) =>
        Assert.Equal(modules, string.Join(',', GuardScopes.Describe(new FakeModel(FakeModelLayout.Llama, layers: 1), scope)
            .Where(s => s.Spectral is not null).Select(s => s.Module)));

    [Fact]
    public void Describe_Phi3Roles_AreFused()
    {
        IReadOnlyList<GuardScope> seen = GuardScopes.Describe(new FakeModel(FakeModelLayout.Phi3, layers: 1));
        Assert.Contains(seen, s => s.Role == ModuleRole.FusedQkv && s.Spectral == "attn");
        Assert.Contains(seen, s => s.Role == ModuleRole.FusedGateUp && s.Spectral == "ffn");
        Assert.DoesNotContain(seen, s => s.Role is ModuleRole.Query or ModuleRole.Gate);
    }
}
