namespace InvarLock.Models.Decoder;

/// <summary>The decoder families the <c>hf_causal</c> adapter loads, by model_type.</summary>
internal static class DecoderFamilies
{
    private static readonly IDecoderFamily[] All =
    [
        new Gpt2Family(),
        new LlamaFamily(),
        new MistralFamily(),
        new Qwen2Family(),
        new Qwen3Family(),
        new Phi3Family(),
        new GemmaFamily(),
    ];

    /// <summary>The supported model_type values, comma-separated, for error messages.</summary>
    internal static string SupportedList { get; } = string.Join(", ", Array.ConvertAll(All, f => f.ModelType));

    /// <summary>The family whose model_type is <paramref name="modelType"/>.</summary>
    internal static bool TryGet(string modelType, out IDecoderFamily family)
    {
        foreach (IDecoderFamily f in All)
        {
            if (f.ModelType == modelType)
            {
                family = f;
                return true;
            }
        }
        family = null!;
        return false;
    }
}
