using InvarLock.Guards.Common;
using InvarLock.Models.Generation;
using InvarLock.Models.HuggingFace;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Tests.Roles;

/// <summary>Per decoder family, on a real generated checkpoint loaded by <c>hf_causal</c>: the roles the engine declares,
/// in execution order, and the spectral family, RMT family and variance branch every guard derives from them.</summary>
public sealed class DecoderFamilyScopesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("family-scopes-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Families() => new(TinyDecoderPresets.FamilyNames);

    /// <summary>One block's roles in execution order, per family.</summary>
    private static ModuleRole[] BlockRoles(string family) => family switch
    {
        "gpt2" => [ModuleRole.AttentionNorm, ModuleRole.FusedQkv, ModuleRole.AttentionOutput, ModuleRole.MlpNorm, ModuleRole.Up, ModuleRole.Down],
        "phi3" => [ModuleRole.AttentionNorm, ModuleRole.FusedQkv, ModuleRole.AttentionOutput, ModuleRole.MlpNorm, ModuleRole.FusedGateUp, ModuleRole.Down],
        "qwen3" =>
        [
            ModuleRole.AttentionNorm, ModuleRole.Query, ModuleRole.Key, ModuleRole.Value, ModuleRole.QueryNorm, ModuleRole.KeyNorm,
            ModuleRole.AttentionOutput, ModuleRole.MlpNorm, ModuleRole.Gate, ModuleRole.Up, ModuleRole.Down,
        ],
        _ =>
        [
            ModuleRole.AttentionNorm, ModuleRole.Query, ModuleRole.Key, ModuleRole.Value, ModuleRole.AttentionOutput,
            ModuleRole.MlpNorm, ModuleRole.Gate, ModuleRole.Up, ModuleRole.Down,
        ],
    };

    /// <summary>What each guard must see for a role: (spectral family, RMT family, variance branch); null = not selected.</summary>
    private static (string? Spectral, string? Rmt, string? Variance) Expected(ModuleRole role) => role switch
    {
        ModuleRole.TokenEmbedding or ModuleRole.PositionEmbedding => ("embed", "embed", null),
        ModuleRole.Query or ModuleRole.Key or ModuleRole.Value or ModuleRole.FusedQkv => ("attn", "attn", null),
        ModuleRole.AttentionOutput => ("attn", "attn", "attn"),
        ModuleRole.Gate or ModuleRole.Up or ModuleRole.FusedGateUp => ("ffn", "ffn", null),
        ModuleRole.Down => ("ffn", "ffn", "mlp"),
        ModuleRole.OutputHead => ("other", null, null),
        ModuleRole.QueryNorm or ModuleRole.KeyNorm => (null, null, null), // per-head norms inside attention: not residual-stream taps
        _ => (null, "other", null), // attention / MLP / final norms: 1-D weights, tapped as "other" by RMT
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Describe_GeneratedCheckpointOfFamily_RolesAndGuardFamiliesFollowTheArchitecture(string family)
    {
        Assert.True(TinyDecoderPresets.TryGetDemo(family, out TinyDecoderOptions? options));
        string folder = Path.Combine(_root, family);
        TinyDecoderGenerator.Generate(folder, options with { Layers = 2 });
        using IModel model = new HfCausalAdapter().Load(folder, new ModelLoadOptions { Threads = 1 });

        IReadOnlyList<ModuleInfo> modules = model.Modules;
        var roles = new List<ModuleRole> { ModuleRole.TokenEmbedding };
        if (family == "gpt2")
        {
            roles.Add(ModuleRole.PositionEmbedding);
        }
        for (int layer = 0; layer < 2; layer++)
        {
            roles.AddRange(BlockRoles(family));
        }
        roles.Add(ModuleRole.FinalNorm);
        if (!model.Description.TiedEmbeddings)
        {
            roles.Add(ModuleRole.OutputHead);
        }
        Assert.Equal(roles, modules.Select(m => m.Role));
        Assert.All(modules, m => Assert.Equal(ModuleRoles.IsBlockProjection(m.Role) || ModuleRoles.IsNorm(m.Role) && m.Role != ModuleRole.FinalNorm,
            m.Layer >= 0));
        Assert.Equal(family == "gpt2" ? "layernorm" : "rmsnorm", model.Description.NormKind);
        Assert.Equal(family == "gpt2" ? "learned" : "rotary", model.Description.PositionKind);

        foreach (GuardScope scope in GuardScopes.Describe(model))
        {
            var (spectral, rmt, variance) = Expected(scope.Role);
            Assert.True((spectral, rmt, variance) == (scope.Spectral, scope.Rmt, scope.Variance),
                $"{family} {scope.Module} ({scope.Role}): saw spectral {scope.Spectral ?? "-"}, rmt {scope.Rmt ?? "-"}, " +
                $"variance {scope.Variance ?? "-"}; expected {spectral ?? "-"}, {rmt ?? "-"}, {variance ?? "-"}");
        }
    }
}
