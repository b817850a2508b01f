using InvarLock.Models.Weights;

namespace InvarLock.Models.Gpt2;

/// <summary>The backing arrays of one GPT-2 block's parameters.</summary>
internal sealed record Gpt2BlockWeights(
    float[] Ln1Weight, float[] Ln1Bias,
    float[] AttnWeight, float[] AttnBias,
    float[] AttnProjWeight, float[] AttnProjBias,
    float[] Ln2Weight, float[] Ln2Bias,
    float[] FcWeight, float[] FcBias,
    float[] MlpProjWeight, float[] MlpProjBias);

/// <summary>The backing arrays of every GPT-2 parameter, looked up once per evaluation (edits write into the same arrays).</summary>
internal sealed record Gpt2Weights(
    float[] TokenEmbedding, float[] PositionEmbedding, Gpt2BlockWeights[] Blocks,
    float[] FinalNormWeight, float[] FinalNormBias, float[] Head)
{
    internal static Gpt2Weights Resolve(Gpt2Config config, TensorStore store, bool separateHead)
    {
        var blocks = new Gpt2BlockWeights[config.NLayer];
        for (int i = 0; i < blocks.Length; i++)
        {
            float[] Get(string suffix) => store.GetArray(Gpt2Layout.Block(i, suffix));
            blocks[i] = new Gpt2BlockWeights(
                Get("ln_1.weight"), Get("ln_1.bias"),
                Get("attn.c_attn.weight"), Get("attn.c_attn.bias"),
                Get("attn.c_proj.weight"), Get("attn.c_proj.bias"),
                Get("ln_2.weight"), Get("ln_2.bias"),
                Get("mlp.c_fc.weight"), Get("mlp.c_fc.bias"),
                Get("mlp.c_proj.weight"), Get("mlp.c_proj.bias"));
        }
        float[] wte = store.GetArray(Gpt2Layout.Wte);
        return new Gpt2Weights(wte, store.GetArray(Gpt2Layout.Wpe), blocks,
            store.GetArray(Gpt2Layout.LnFWeight), store.GetArray(Gpt2Layout.LnFBias),
            separateHead ? store.GetArray(Gpt2Layout.LmHead) : wte);
    }
}
