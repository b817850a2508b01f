namespace InvarLock.Sdk.Models;

/// <summary>A named module of a model.</summary>
/// <param name="Name">The Hugging Face module path (for example <c>transformer.h.0.attn.c_attn</c>).</param>
/// <param name="Kind">How its weight is stored and applied.</param>
/// <param name="Role">What it does; the guards' family follows from it (<see cref="Family"/>).</param>
/// <param name="Layer">Block index, or -1 outside the blocks.</param>
/// <param name="WeightName">The parameter holding its weight.</param>
/// <param name="BiasName">The parameter holding its bias, if any.</param>
public sealed record ModuleInfo(string Name, ModuleKind Kind, ModuleRole Role, int Layer, string WeightName, string? BiasName)
{
    /// <summary>The width of this module's output, for linear layers. Filled by the model.</summary>
    public int OutputWidth { get; init; }

    /// <summary>The guard family of <see cref="Role"/>: <c>attn</c>, <c>ffn</c>, <c>embed</c>, <c>norm</c> or
    /// <c>other</c> (<see cref="ModuleRoles.FamilyOf"/>).</summary>
    public string Family => ModuleRoles.FamilyOf(Role);
}
