namespace InvarLock.Models.Tokenizers.Models;

/// <summary>A <c>tokenizer.json</c> <c>model</c> (BPE, WordPiece, WordLevel, Unigram): turns one pre-tokenized piece
/// into tokens, and knows its vocabulary.</summary>
internal interface ITokenModel
{
    /// <summary>Tokens for <paramref name="piece"/> (never empty), appended to <paramref name="output"/>.</summary>
    void Tokenize(string piece, List<ModelToken> output);

    /// <summary>The model's id for <paramref name="token"/>.</summary>
    bool TryGetId(string token, out int id);

    /// <summary>The token of <paramref name="id"/>, or null.</summary>
    string? TokenOf(int id);

    /// <summary>One more than the highest id.</summary>
    int IdCount { get; }
}
