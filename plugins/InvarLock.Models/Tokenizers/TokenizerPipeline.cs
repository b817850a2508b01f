using InvarLock.Models.Tokenizers.AddedTokens;
using InvarLock.Models.Tokenizers.Decoding;
using InvarLock.Models.Tokenizers.Models;
using InvarLock.Models.Tokenizers.Normalizers;
using InvarLock.Models.Tokenizers.PostProcessors;
using InvarLock.Models.Tokenizers.PreTokenizers;

namespace InvarLock.Models.Tokenizers;

/// <summary>The components a <c>tokenizer.json</c> describes, as read and checked by <see cref="TokenizerJsonReader"/>.</summary>
internal sealed record TokenizerPipeline(
    string ModelType,
    ITokenModel Model,
    INormalizer? Normalizer,
    IPreTokenizer? PreTokenizer,
    SingleSequenceTemplate Template,
    ITokenDecoder? Decoder,
    IReadOnlyList<AddedToken> AddedTokens,
    bool IsGpt2Profile,
    string Sha256);
