using InvarLock.Models.Safetensors;

namespace InvarLock.Models.Generation;

/// <summary>What <see cref="TinyDecoderGenerator"/> builds. Settings left null take the family's Hugging Face
/// default; settings a family does not have (a sliding window on llama, a head_dim on phi3 that is not
/// hidden / heads, …) are rejected rather than silently dropped.</summary>
public sealed record TinyDecoderOptions
{
    /// <summary>The family (its <c>model_type</c>).</summary>
    public TinyDecoderFamily Family { get; init; } = TinyDecoderFamily.Llama;

    /// <summary>Seeds the training text, the tokenizer and the weights.</summary>
    public int Seed { get; init; } = 1234;

    /// <summary><c>num_hidden_layers</c> (gpt2: <c>n_layer</c>).</summary>
    public int Layers { get; init; } = 2;

    /// <summary><c>hidden_size</c> (gpt2: <c>n_embd</c>).</summary>
    public int Hidden { get; init; } = 64;

    /// <summary><c>num_attention_heads</c>.</summary>
    public int Heads { get; init; } = 4;

    /// <summary><c>num_key_value_heads</c>; must divide <see cref="Heads"/>; null means <see cref="Heads"/> (no GQA).
    /// Not for gpt2.</summary>
    public int? KvHeads { get; init; }

    /// <summary>An explicit <c>head_dim</c> (written for every family that has the key); null means
    /// hidden / heads, written only where the family always writes it (qwen3, gemma).</summary>
    public int? HeadDim { get; init; }

    /// <summary><c>intermediate_size</c> (gpt2: <c>n_inner</c>); null means 4 × hidden for gpt2 and
    /// 8/3 × hidden rounded up to a multiple of 16 for the gated families.</summary>
    public int? Intermediate { get; init; }

    /// <summary><c>max_position_embeddings</c> (gpt2: <c>n_positions</c>).</summary>
    public int Positions { get; init; } = 256;

    /// <summary>Target size of the trained byte-level BPE tokenizer (at least 257).</summary>
    public int TokenizerVocabSize { get; init; } = 512;

    /// <summary>The <c>vocab_size</c> of config.json and the rows of the embedding and head; null means the trained
    /// tokenizer's size. Real checkpoints pad it (32000, 128256, 151936), so it may exceed the tokenizer's size, never
    /// fall below it.</summary>
    public int? ConfigVocabSize { get; init; }

    /// <summary><c>tie_word_embeddings</c>; null means the family default (tied for gpt2, qwen2, qwen3 and gemma).</summary>
    public bool? TieWordEmbeddings { get; init; }

    /// <summary>Also store <c>lm_head.weight</c> (an exact copy of the embedding) in a tied checkpoint, as some
    /// releases do.</summary>
    public bool StoreTiedHead { get; init; }

    /// <summary>llama's <c>attention_bias</c>: biases on q, k, v and o.</summary>
    public bool AttentionBias { get; init; }

    /// <summary>mistral's <c>sliding_window</c> (null is written as null: no window).</summary>
    public int? SlidingWindow { get; init; }

    /// <summary><c>partial_rotary_factor</c>: the fraction of each head's dimensions that is rotated (1 = all);
    /// written when not 1, and always for phi3.</summary>
    public double PartialRotaryFactor { get; init; } = 1.0;

    /// <summary><c>rope_theta</c>; null means the family default.</summary>
    public double? RopeTheta { get; init; }

    /// <summary><c>rope_scaling</c>; null is written as null (mistral: the key is omitted).</summary>
    public TinyRopeScaling? RopeScaling { get; init; }

    /// <summary><c>rms_norm_eps</c> (gpt2: <c>layer_norm_epsilon</c>); null means the family default.</summary>
    public double? NormEpsilon { get; init; }

    /// <summary>Storage dtype of every tensor (F32, F16 or BF16; narrowing rounds to nearest even); also names
    /// <c>torch_dtype</c>.</summary>
    public SafetensorsDType DType { get; init; } = SafetensorsDType.F32;

    /// <summary>Split the weights into <c>model-0000k-of-0000n.safetensors</c> files plus
    /// <c>model.safetensors.index.json</c>, starting a new file when the next tensor would take the current one past
    /// this many bytes (Hugging Face's <c>max_shard_size</c> rule). Null writes one <c>model.safetensors</c>.</summary>
    public long? MaxShardBytes { get; init; }

    /// <summary>Standard deviation of the normal initialisation of embeddings and projections (0.02 in every family).</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>Multiplies the standard deviation of every linear (projection) weight and bias, not the embeddings or
    /// norms; above 1 it sharpens attention and enlarges activations so parity comparisons are sensitive.</summary>
    public double LinearScale { get; init; } = 1.0;

    /// <summary>Standard deviation of norm weights around their centre (1, or 0 for gemma, whose weights are stored as
    /// an offset from 1; gpt2 LayerNorm biases use a fifth of it); 0 gives exact centres.</summary>
    public double NormJitter { get; init; } = 0.1;

    /// <summary>Characters of synthetic text the tokenizer is trained on.</summary>
    public int CorpusCharacters { get; init; } = 60_000;
}
