namespace InvarLock.Models.Gpt2;

/// <summary>Maps the tensor names found in GPT-2 checkpoints to the names <c>GPT2LMHeadModel</c> uses.</summary>
/// <remarks>Checkpoints saved from <c>GPT2Model</c> (such as the original <c>gpt2</c> upload) omit the
/// <c>transformer.</c> prefix; older ones also store the causal-mask buffers <c>attn.bias</c> and
/// <c>attn.masked_bias</c>, which are not parameters.</remarks>
public static class Gpt2CheckpointNames
{
    private const string Prefix = "transformer.";
    private const string LmHead = "lm_head.weight";

    /// <summary>The canonical name of <paramref name="name"/>, or null when the tensor is not a parameter to keep
    /// (mask buffers; <c>lm_head.weight</c> when the head is tied to the token embedding).</summary>
    public static string? Normalize(string name, bool tiedEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.EndsWith(".attn.bias", StringComparison.Ordinal) || name.EndsWith(".attn.masked_bias", StringComparison.Ordinal))
        {
            return null;
        }
        if (name == LmHead)
        {
            return tiedEmbeddings ? null : name;
        }
        return name.StartsWith(Prefix, StringComparison.Ordinal) ? name : Prefix + name;
    }
}
