namespace InvarLock.Models.Generation;

/// <summary>A <c>rope_scaling</c> entry of config.json, written with Hugging Face's keys.</summary>
/// <param name="RopeType"><c>linear</c>, <c>dynamic</c> or <c>llama3</c> (any other string is written as given, so a
/// reader's refusal of unsupported types can be tested).</param>
/// <param name="Factor"><c>factor</c>.</param>
/// <param name="LowFreqFactor"><c>low_freq_factor</c> (llama3 only).</param>
/// <param name="HighFreqFactor"><c>high_freq_factor</c> (llama3 only).</param>
/// <param name="OriginalMaxPositionEmbeddings"><c>original_max_position_embeddings</c> (llama3 only).</param>
/// <param name="LegacyTypeKey">Name the type with the older <c>type</c> key instead of <c>rope_type</c>.</param>
public sealed record TinyRopeScaling(
    string RopeType,
    double Factor,
    double? LowFreqFactor = null,
    double? HighFreqFactor = null,
    int? OriginalMaxPositionEmbeddings = null,
    bool LegacyTypeKey = false)
{
    /// <summary><c>linear</c>: positions divided by <paramref name="factor"/>.</summary>
    public static TinyRopeScaling Linear(double factor) => new("linear", factor);

    /// <summary><c>dynamic</c> (NTK): the base grows once a sequence is longer than <c>max_position_embeddings</c>.</summary>
    public static TinyRopeScaling Dynamic(double factor) => new("dynamic", factor);

    /// <summary><c>llama3</c>, with Llama 3.1's published values by default (factor 8, low 1, high 4, original 8192).</summary>
    public static TinyRopeScaling Llama3(double factor = 8.0, double lowFreqFactor = 1.0, double highFreqFactor = 4.0,
        int originalMaxPositionEmbeddings = 8192) =>
        new("llama3", factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings);

    /// <summary>The JSON object config.json carries.</summary>
    internal Dictionary<string, object?> ToJson()
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [LegacyTypeKey ? "type" : "rope_type"] = RopeType,
            ["factor"] = Factor,
        };
        if (LowFreqFactor is { } low)
        {
            values["low_freq_factor"] = low;
        }
        if (HighFreqFactor is { } high)
        {
            values["high_freq_factor"] = high;
        }
        if (OriginalMaxPositionEmbeddings is { } original)
        {
            values["original_max_position_embeddings"] = original;
        }
        return values;
    }
}
