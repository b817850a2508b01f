using InvarLock.Models.Gpt2;
using InvarLock.Models.HuggingFace;

namespace InvarLock.Models.Tests.HuggingFace;

public sealed class Gpt2CheckpointNamesTests
{
    [Theory]
    [InlineData("wte.weight", true, "transformer.wte.weight")]
    [InlineData("h.3.attn.c_attn.bias", true, "transformer.h.3.attn.c_attn.bias")]
    [InlineData("transformer.ln_f.weight", true, "transformer.ln_f.weight")]
    [InlineData("h.0.attn.bias", true, null)]
    [InlineData("transformer.h.0.attn.bias", true, null)]
    [InlineData("h.11.attn.masked_bias", true, null)]
    [InlineData("lm_head.weight", true, null)]
    [InlineData("lm_head.weight", false, "lm_head.weight")]
    public void Normalize_Name_GivesGpt2LmHeadModelName(string name, bool tied, string? expected) =>
        Assert.Equal(expected, Gpt2CheckpointNames.Normalize(name, tied));
}
