using System.Text;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tokenizers.Models;

/// <summary><c>WordPiece</c> (BERT): greedy longest match from the left, later pieces looked up with
/// <c>continuing_subword_prefix</c> (##); a piece longer than <c>max_input_chars_per_word</c> scalars, or one that
/// cannot be covered, becomes the unknown token.</summary>
internal sealed class WordPieceModel : ITokenModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly string?[] _tokenById;
    private readonly string _prefix;
    private readonly int _maxChars;
    private readonly int _unkId;

    public WordPieceModel(Dictionary<string, int> vocab, string unkToken, string prefix, int maxInputCharsPerWord, string source)
    {
        _vocab = vocab;
        _tokenById = VocabularyTable.TokensById(vocab, source);
        _prefix = prefix;
        _maxChars = maxInputCharsPerWord;
        if (!vocab.TryGetValue(unkToken, out _unkId))
        {
            throw new InvarLockException(ErrorCodes.MalformedTokenizer, $"{source}: model.unk_token '{unkToken}' is not in model.vocab");
        }
    }

    public int IdCount => _tokenById.Length;

    public bool TryGetId(string token, out int id) => _vocab.TryGetValue(token, out id);

    public string? TokenOf(int id) => (uint)id < (uint)_tokenById.Length ? _tokenById[id] : null;

    public void Tokenize(string piece, List<ModelToken> output)
    {
        int scalars = 0;
        foreach (var _ in piece.EnumerateRunes())
        {
            scalars++;
        }
        if (scalars > _maxChars)
        {
            output.Add(new ModelToken(_unkId, 0, piece.Length));
            return;
        }
        int first = output.Count;
        int start = 0;
        while (start < piece.Length)
        {
            int end = piece.Length;
            int found = -1;
            while (start < end)
            {
                string candidate = start > 0 ? string.Concat(_prefix, piece.AsSpan(start, end - start)) : piece[start..end];
                if (_vocab.TryGetValue(candidate, out int id))
                {
                    found = id;
                    break;
                }
                end -= char.IsLowSurrogate(piece[end - 1]) && end - 2 >= start ? 2 : 1;
            }
            if (found < 0)
            {
                output.RemoveRange(first, output.Count - first);
                output.Add(new ModelToken(_unkId, 0, piece.Length));
                return;
            }
            output.Add(new ModelToken(found, start, end));
            start = end;
        }
    }
}
