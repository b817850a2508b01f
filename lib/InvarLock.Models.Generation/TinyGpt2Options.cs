namespace InvarLock.Models.Generation;

/// <summary>What <see cref="TinyGpt2Generator"/> builds.</summary>
/// <param name="Seed">Seeds the training text, the tokenizer and the weights.</param>
/// <param name="Layers">Transformer blocks (n_layer).</param>
/// <param name="Heads">Attention heads (n_head); must divide <paramref name="Embd"/>.</param>
/// <param name="Embd">Residual width (n_embd).</param>
/// <param name="Positions">Longest sequence (n_positions).</param>
/// <param name="VocabSize">Target tokenizer size, special token included (at least 257); the written vocab_size
/// is the size the BPE trainer reached, which can be smaller when the training text runs out of merges.</param>
/// <param name="Inner">MLP width (n_inner); null means 4 × <paramref name="Embd"/>.</param>
/// <param name="CorpusCharacters">Characters of synthetic text the tokenizer is trained on.</param>
/// <param name="InitializerRange">Standard deviation of the normal weight initialisation (GPT-2: 0.02).</param>
/// <param name="LayerNormEpsilon">layer_norm_epsilon.</param>
/// <param name="ActivationFunction">activation_function.</param>
/// <param name="NormJitter">Standard deviation of LayerNorm weights around 1 (biases use a fifth of it); 0 gives exact 1 and 0.</param>
public sealed record TinyGpt2Options(
    int Seed = 1234,
    int Layers = 2,
    int Heads = 4,
    int Embd = 64,
    int Positions = 256,
    int VocabSize = 512,
    int? Inner = null,
    int CorpusCharacters = 60_000,
    double InitializerRange = 0.02,
    double LayerNormEpsilon = 1e-5,
    string ActivationFunction = "gelu_new",
    double NormJitter = 0.1);
