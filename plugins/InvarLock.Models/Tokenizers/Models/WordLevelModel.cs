using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tokenizers.Models;

/// <summary><c>WordLevel</c>: each piece is looked up whole; a missing piece becomes the unknown token.</summary>
internal sealed class WordLevelModel : ITokenModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly string?[] _tokenById;
    private readonly string _unkToken;
    private readonly string _source;

    public WordLevelModel(Dictionary<string, int> vocab, string unkToken, string source)
    {
        _vocab = vocab;
        _tokenById = VocabularyTable.TokensById(vocab, source);
        _unkToken = unkToken;
        _source = source;
    }

    public int IdCount => _tokenById.Length;

    public bool TryGetId(string token, out int id) => _vocab.TryGetValue(token, out id);

    public string? TokenOf(int id) => (uint)id < (uint)_tokenById.Length ? _tokenById[id] : null;

    public void Tokenize(string piece, List<ModelToken> output)
    {
        if (_vocab.TryGetValue(piece, out int id) || _vocab.TryGetValue(_unkToken, out id))
        {
            output.Add(new ModelToken(id, 0, piece.Length));
            return;
        }
        throw new InvarLockException(ErrorCodes.MalformedTokenizer,
            $"{_source}: WordLevel has no token for a piece and its unk_token '{_unkToken}' is not in model.vocab");
    }
}
