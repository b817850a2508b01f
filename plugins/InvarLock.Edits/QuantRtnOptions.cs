using System.Text.Json;
using InvarLock.Sdk.Errors;

namespace InvarLock.Edits;

/// <summary>Settings of <see cref="QuantRtnEdit"/>, read from the edit's JSON parameters.</summary>
/// <param name="Bitwidth">Quantization width; only 8 is supported.</param>
/// <param name="Scope"><c>ffn</c>, <c>attn</c> or <c>all</c> (attention and MLP weight matrices).</param>
/// <param name="ClampRatio">Per-channel outlier clipping before quantization, in [0, 0.5]; 0 disables.</param>
/// <param name="MaxModules">Quantize only the first N target modules in execution order; 0 means all.</param>
internal sealed record QuantRtnOptions(int Bitwidth, string Scope, double ClampRatio, int MaxModules)
{
    public static QuantRtnOptions Default { get; } = new(8, "all", 0.0, 0);

    public static QuantRtnOptions Parse(JsonElement parameters)
    {
        if (parameters.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return Default;
        }
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("parameters", parameters.ToString(), "a JSON object");
        }
        QuantRtnOptions o = Default;
        foreach (JsonProperty p in parameters.EnumerateObject())
        {
            switch (p.Name)
            {
                case "bitwidth":
                case "bits":
                    if (!p.Value.TryGetInt32(out int bits) || bits != 8)
                    {
                        throw Invalid(p.Name, p.Value.ToString(), "8 (the only supported width)");
                    }
                    o = o with { Bitwidth = bits };
                    break;
                case "scope":
                    string? scope = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null;
                    if (scope is not ("ffn" or "attn" or "all"))
                    {
                        throw Invalid(p.Name, p.Value.ToString(), "one of ffn, attn, all");
                    }
                    o = o with { Scope = scope };
                    break;
                case "clamp_ratio":
                    if (!p.Value.TryGetDouble(out double clamp) || !(clamp >= 0 && clamp <= 0.5))
                    {
                        throw Invalid(p.Name, p.Value.ToString(), "a number in [0, 0.5]");
                    }
                    o = o with { ClampRatio = clamp };
                    break;
                case "max_modules":
                    if (!p.Value.TryGetInt32(out int max) || max < 0)
                    {
                        throw Invalid(p.Name, p.Value.ToString(), "a non-negative integer");
                    }
                    o = o with { MaxModules = max };
                    break;
                default:
                    throw new InvarLockException(ErrorCodes.Usage,
                        $"edit quant_rtn: unknown parameter '{p.Name}' (known: bitwidth, scope, clamp_ratio, max_modules)");
            }
        }
        return o;
    }

    private static InvarLockException Invalid(string key, string value, string allowed) =>
        new(ErrorCodes.Usage, $"edit quant_rtn: {key} = {value} is invalid; expected {allowed}");
}
