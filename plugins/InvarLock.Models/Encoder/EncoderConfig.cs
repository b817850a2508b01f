namespace InvarLock.Models.Encoder;

/// <summary>The architecture of a BERT-style post-norm masked-LM encoder, as read from config.json by a family reader
/// (<see cref="BertFamily"/>, <see cref="RobertaFamily"/>).</summary>
internal sealed record EncoderConfig
{
    /// <summary>config.json <c>model_type</c> (<c>bert</c> or <c>roberta</c>).</summary>
    public required string ModelType { get; init; }
    public required int Layers { get; init; }
    public required int Hidden { get; init; }
    public required int Heads { get; init; }
    public required int Intermediate { get; init; }
    public required int Vocab { get; init; }
    /// <summary>Rows of the position table (<c>max_position_embeddings</c>, RoBERTa's offset included).</summary>
    public required int MaxPositions { get; init; }
    /// <summary>Rows of the token-type table (<c>type_vocab_size</c>); every window uses type 0.</summary>
    public required int TypeVocab { get; init; }
    /// <summary>The position id of a window's first token: 0 for BERT, <c>pad_token_id + 1</c> for RoBERTa.</summary>
    public required int PositionOffset { get; init; }
    public required double NormEpsilon { get; init; }
    public required EncoderNameTable Names { get; init; }

    /// <summary>Width of one attention head.</summary>
    public int HeadDim => Hidden / Heads;

    /// <summary>The longest window the position table allows.</summary>
    public int MaxWindow => MaxPositions - PositionOffset;
}
