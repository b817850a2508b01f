using InvarLock.Models.Safetensors;

namespace InvarLock.Models.Generation;

/// <summary>The shape and initialisation of a generated BERT or RoBERTa checkpoint (<see cref="TinyEncoderGenerator"/>).</summary>
public sealed record TinyEncoderOptions
{
    /// <summary>The family (model_type, tensor names, tokenizer kind).</summary>
    public TinyEncoderFamily Family { get; init; } = TinyEncoderFamily.Bert;

    /// <summary>Seeds the weights and the tokenizer's training corpus.</summary>
    public int Seed { get; init; } = 1234;

    /// <summary>Encoder blocks.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Width of the residual stream.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Attention heads (divides <see cref="Hidden"/>).</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Width of the MLP.</summary>
    public int Intermediate { get; init; } = 128;

    /// <summary>Usable positions (RoBERTa's table gets pad_token_id + 1 more rows, as Hugging Face's do).</summary>
    public int Positions { get; init; } = 128;

    /// <summary>Rows of the token-type table.</summary>
    public int TypeVocab { get; init; } = 2;

    /// <summary>Tokenizer vocabulary size to aim for (the tokenizer may come out a little smaller).</summary>
    public int TokenizerVocabSize { get; init; } = 512;

    /// <summary>config.json vocab_size when larger than the tokenizer's (rows past it are never produced by the tokenizer,
    /// as in real checkpoints padded to a multiple); null uses the tokenizer's size.</summary>
    public int? ConfigVocabSize { get; init; }

    /// <summary>Also stores the tied decoder's weight and bias (as <c>save_pretrained</c> of older versions did).</summary>
    public bool StoreTiedDecoder { get; init; }

    /// <summary>The stored element type of every tensor.</summary>
    public SafetensorsDType DType { get; init; } = SafetensorsDType.F32;

    /// <summary>Standard deviation of embeddings, projections and biases.</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>Multiplies the projections' standard deviation (larger values give sharper, less uniform predictions).</summary>
    public double LinearScale { get; init; } = 1.0;

    /// <summary>LayerNorm weights are 1 + N(0, jitter), biases N(0, jitter / 5).</summary>
    public double NormJitter { get; init; } = 0.1;

    /// <summary>Characters of synthetic text the tokenizer is built from.</summary>
    public int CorpusCharacters { get; init; } = 60_000;
}
