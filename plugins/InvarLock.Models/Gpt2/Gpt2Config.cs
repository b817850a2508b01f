namespace InvarLock.Models.Gpt2;

/// <summary>The fields of a Hugging Face GPT-2 <c>config.json</c> that the forward pass needs.</summary>
public sealed record Gpt2Config(
    int NLayer,
    int NHead,
    int NEmbd,
    int NPositions,
    int VocabSize,
    double LayerNormEpsilon = 1e-5,
    string ActivationFunction = "gelu_new",
    bool TieWordEmbeddings = true,
    int? NInner = null)
{
    /// <summary>Width of the MLP's hidden layer (n_inner, default 4 × n_embd).</summary>
    public int InnerSize => NInner ?? 4 * NEmbd;

    /// <summary>Width of one attention head.</summary>
    public int HeadSize => NEmbd / NHead;
}
