using System.Diagnostics.CodeAnalysis;

namespace InvarLock.Models.Generation;

/// <summary>Small demo checkpoints, one per family (2 layers, width 64, the family's typical attention layout), so a
/// demo run takes seconds. <c>evaluate --demo &lt;family&gt;</c> generates these.</summary>
public static class TinyDecoderPresets
{
    /// <summary>The family names <see cref="TryGetDemo"/> accepts (the Hugging Face <c>model_type</c>s).</summary>
    public static IReadOnlyList<string> FamilyNames { get; } = ["gpt2", "llama", "mistral", "qwen2", "qwen3", "phi3", "gemma"];

    /// <summary>The demo preset of <paramref name="family"/>:
    /// gpt2 = <see cref="TinyGpt2Generator.Demo"/>'s architecture (4 heads);
    /// llama = GQA 4 query heads over 2 KV heads, untied;
    /// mistral = GQA 4/2 with a 32-token sliding window;
    /// qwen2 = GQA 4/2 with q/k/v biases, tied;
    /// qwen3 = GQA 4/2, explicit head_dim 32 (4 × 32 ≠ 64), tied;
    /// phi3 = 4 heads, fused projections, untied;
    /// gemma = MQA (1 KV head), head_dim 32, tied.</summary>
    public static TinyDecoderOptions Demo(TinyDecoderFamily family)
    {
        var common = new TinyDecoderOptions { Family = family, Layers = 2, Hidden = 64, Heads = 4, Positions = 256 };
        return family switch
        {
            TinyDecoderFamily.Gpt2 => common,
            TinyDecoderFamily.Llama => common with { KvHeads = 2 },
            TinyDecoderFamily.Mistral => common with { KvHeads = 2, SlidingWindow = 32 },
            TinyDecoderFamily.Qwen2 => common with { KvHeads = 2 },
            TinyDecoderFamily.Qwen3 => common with { KvHeads = 2, HeadDim = 32 },
            TinyDecoderFamily.Phi3 => common,
            TinyDecoderFamily.Gemma => common with { KvHeads = 1, HeadDim = 32 },
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, "not a decoder family"),
        };
    }

    /// <summary>The family whose <c>model_type</c> is <paramref name="name"/> (ordinal, case-insensitive).</summary>
    public static bool TryParseFamily(string name, out TinyDecoderFamily family)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (TinyDecoderFamily candidate in Enum.GetValues<TinyDecoderFamily>())
        {
            if (string.Equals(TinyDecoderGenerator.ModelType(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                family = candidate;
                return true;
            }
        }
        family = default;
        return false;
    }

    /// <summary>The demo preset named by a <c>model_type</c> (<see cref="FamilyNames"/>); false for any other name.</summary>
    public static bool TryGetDemo(string name, [NotNullWhen(true)] out TinyDecoderOptions? options)
    {
        if (TryParseFamily(name, out TinyDecoderFamily family))
        {
            options = Demo(family);
            return true;
        }
        options = null;
        return false;
    }
}
