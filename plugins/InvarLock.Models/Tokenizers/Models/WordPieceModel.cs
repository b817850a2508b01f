using System.Buffers;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tokenizers.Models;

/// <summary><c>WordPiece</c> (BERT): greedy longest match from the left, later pieces looked up with
/// <c>continuing_subword_prefix</c> (##); a piece longer than <c>max_input_chars_per_word</c> scalars, or one that
/// cannot be covered, becomes the unknown token.</summary>
internal sealed class WordPieceModel : ITokenModel
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabLookup;
    private readonly string?[] _tokenById;
    private readonly string _prefix;
    private readonly int _maxChars;
    private readonly int _unkId;

    public WordPieceModel(Dictionary<string, int> vocab, string unkToken, string prefix, int maxInputCharsPerWord, string source)
    {
        _vocab = vocab;
        _vocabLookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
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
        // Candidates are looked up as spans in one buffer holding the prefix then the piece: buffer[p + i] = piece[i]
        // for the prefix length p. A later word piece starting at i is looked up after the prefix is written over
        // buffer[i, i + p), chars of the piece that are already tokenized.
        int bufferLength = _prefix.Length + piece.Length;
        char[]? rented = null;
        Span<char> buffer = bufferLength <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(bufferLength));
        buffer = buffer[..bufferLength];
        _prefix.CopyTo(buffer);
        piece.CopyTo(buffer[_prefix.Length..]);
        try
        {
            TokenizeInto(piece, buffer, first, output);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private void TokenizeInto(string piece, Span<char> prefixedPiece, int first, List<ModelToken> output)
    {
        int start = 0;
        while (start < piece.Length)
        {
            if (start > 0)
            {
                _prefix.CopyTo(prefixedPiece[start..]);
            }
            int end = piece.Length;
            int found = -1;
            while (start < end)
            {
                var candidate = start > 0
                    ? prefixedPiece.Slice(start, _prefix.Length + end - start)
                    : prefixedPiece.Slice(_prefix.Length, end);
                if (_vocabLookup.TryGetValue(candidate, out int id))
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
