namespace InvarLock.Sdk.Models;

/// <summary>The guard families and the one mapping from <see cref="ModuleRole"/> to family.</summary>
public static class ModuleRoles
{
    /// <summary>Attention projections.</summary>
    public const string Attention = "attn";

    /// <summary>MLP projections.</summary>
    public const string Ffn = "ffn";

    /// <summary>Embedding tables.</summary>
    public const string Embedding = "embed";

    /// <summary>Normalisation layers.</summary>
    public const string Norm = "norm";

    /// <summary>Everything else (the output head).</summary>
    public const string Other = "other";

    /// <summary>The family of <paramref name="role"/>: <c>attn</c>, <c>ffn</c>, <c>embed</c>, <c>norm</c> or <c>other</c>.</summary>
    public static string FamilyOf(ModuleRole role) => role switch
    {
        ModuleRole.Query or ModuleRole.Key or ModuleRole.Value or ModuleRole.FusedQkv or ModuleRole.AttentionOutput => Attention,
        ModuleRole.Gate or ModuleRole.Up or ModuleRole.FusedGateUp or ModuleRole.Down => Ffn,
        ModuleRole.TokenEmbedding or ModuleRole.PositionEmbedding => Embedding,
        ModuleRole.AttentionNorm or ModuleRole.MlpNorm or ModuleRole.FinalNorm or ModuleRole.QueryNorm or ModuleRole.KeyNorm => Norm,
        _ => Other,
    };

    /// <summary>True for the linear projections inside a block (attention and MLP), the matrices edits and the spectral,
    /// RMT and variance guards act on.</summary>
    public static bool IsBlockProjection(ModuleRole role) => FamilyOf(role) is Attention or Ffn;

    /// <summary>True for normalisation layers of any kind.</summary>
    public static bool IsNorm(ModuleRole role) => FamilyOf(role) == Norm;
}
