using System.Globalization;

namespace InvarLock.Models.Encoder;

/// <summary>The Hugging Face tensor names of an encoder family: the trunk under <see cref="Prefix"/> (<c>bert</c>,
/// <c>roberta</c>) and the masked-LM head's own names.</summary>
/// <param name="Prefix">The trunk's prefix.</param>
/// <param name="HeadDense">The head transform's dense layer.</param>
/// <param name="HeadNorm">The head transform's LayerNorm.</param>
/// <param name="HeadBias">The decoder's bias (the tied decoder's weight is the word embedding).</param>
/// <param name="HeadDecoder">The decoder module, whose stored weight (a copy of the word embedding) and bias are dropped.</param>
internal sealed record EncoderNameTable(string Prefix, string HeadDense, string HeadNorm, string HeadBias, string HeadDecoder)
{
    /// <summary>BERT (<c>BertForMaskedLM</c>, <c>BertForPreTraining</c>).</summary>
    internal static EncoderNameTable Bert { get; } = new("bert", "cls.predictions.transform.dense",
        "cls.predictions.transform.LayerNorm", "cls.predictions.bias", "cls.predictions.decoder");

    /// <summary>RoBERTa (<c>RobertaForMaskedLM</c>).</summary>
    internal static EncoderNameTable Roberta { get; } = new("roberta", "lm_head.dense", "lm_head.layer_norm", "lm_head.bias",
        "lm_head.decoder");

    internal string WordEmbedding => Prefix + ".embeddings.word_embeddings";
    internal string PositionEmbedding => Prefix + ".embeddings.position_embeddings";
    internal string TokenTypeEmbedding => Prefix + ".embeddings.token_type_embeddings";
    internal string EmbeddingNorm => Prefix + ".embeddings.LayerNorm";

    /// <summary>The name of a module of block <paramref name="layer"/>, <paramref name="suffix"/> after <c>layer.N.</c>.</summary>
    internal string Block(int layer, string suffix) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}.encoder.layer.{layer}.{suffix}");

    internal string Query(int layer) => Block(layer, "attention.self.query");
    internal string Key(int layer) => Block(layer, "attention.self.key");
    internal string Value(int layer) => Block(layer, "attention.self.value");
    internal string AttentionOutput(int layer) => Block(layer, "attention.output.dense");
    internal string AttentionNorm(int layer) => Block(layer, "attention.output.LayerNorm");
    internal string Up(int layer) => Block(layer, "intermediate.dense");
    internal string Down(int layer) => Block(layer, "output.dense");
    internal string MlpNorm(int layer) => Block(layer, "output.LayerNorm");

    /// <summary>The block index of a tensor named <c>prefix.encoder.layer.N.…</c>, or −1.</summary>
    internal int LayerOf(string tensorName)
    {
        string head = Prefix + ".encoder.layer.";
        if (!tensorName.StartsWith(head, StringComparison.Ordinal))
        {
            return -1;
        }
        int dot = tensorName.IndexOf('.', head.Length);
        return dot > head.Length && int.TryParse(tensorName.AsSpan(head.Length, dot - head.Length), NumberStyles.None,
            CultureInfo.InvariantCulture, out int layer) ? layer : -1;
    }

    /// <summary>The name a stored tensor is kept under, or null to skip it: parts of the checkpoint the masked-LM
    /// forward does not use (pooler, next-sentence head, the <c>position_ids</c> buffer, the tied decoder's stored copy
    /// of the word embedding and of the bias). Old TensorFlow-converted names (<c>LayerNorm.gamma</c>/<c>beta</c>)
    /// become <c>weight</c>/<c>bias</c>.</summary>
    internal string? Canonical(string stored)
    {
        if (stored.StartsWith(Prefix + ".pooler.", StringComparison.Ordinal)
            || stored.StartsWith("cls.seq_relationship.", StringComparison.Ordinal)
            || stored.EndsWith(".position_ids", StringComparison.Ordinal)
            || stored.StartsWith(HeadDecoder + ".", StringComparison.Ordinal))
        {
            return null;
        }
        if (stored.EndsWith("LayerNorm.gamma", StringComparison.Ordinal))
        {
            return stored[..^"gamma".Length] + "weight";
        }
        if (stored.EndsWith("LayerNorm.beta", StringComparison.Ordinal))
        {
            return stored[..^"beta".Length] + "bias";
        }
        return stored;
    }
}
