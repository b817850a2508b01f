using System.Collections.Concurrent;
using System.Text;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tokenizers.Models;

/// <summary>Hugging Face's <c>BPE</c> model, step for step (<c>tokenizers/src/models/bpe</c>): the piece becomes one
/// symbol per Unicode scalar (with <c>continuing_subword_prefix</c> on all but the first and
/// <c>end_of_word_suffix</c> on the last); a scalar missing from the vocabulary becomes its UTF-8 bytes as
/// <c>&lt;0xXX&gt;</c> tokens when <c>byte_fallback</c> holds and all of them exist, otherwise the unknown token
/// (consecutive unknowns fused into one with <c>fuse_unk</c>; with no unknown token the scalar is dropped). Merges
/// then apply through a priority queue: the lowest rank first, the leftmost position among equal ranks, each merge
/// making new candidate pairs with its neighbours. With <c>ignore_merges</c> a piece that is itself in the vocabulary
/// is one token. Results for pieces up to <see cref="MaxCachedPieceLength"/> chars are cached (looked up by span, so a
/// hit allocates nothing).
/// <para><b>Cutting SentencePiece text at word starts.</b> A SentencePiece BPE file without a pre-tokenizer (Mistral,
/// Llama 2) hands the model the whole normalized text as one piece, and one priority queue over millions of symbols
/// is slow and uncacheable. BPE on a concatenation equals BPE on its parts whenever no token can span the cut: merges
/// never cross it, and each part's merges happen in the same relative order (lowest rank, then leftmost) as in the
/// whole. Cut before each ▁ that follows a char other than ▁, and any symbol ending at the cut ends with that char
/// (a known char ends its symbol's text, which merges only concatenate), with <c>&gt;</c> (a byte-fallback
/// <c>&lt;0xXX&gt;</c>) or with the unknown token's last char, while any symbol starting at the cut starts with ▁
/// (▁ is a known token). A merge across the cut would make a vocabulary token (the reader checks that every merge
/// makes one) holding a non-▁ char followed by ▁. So when, checked once at load, no vocabulary token holds a char
/// other than ▁ followed by ▁, ▁ is in the vocabulary, the unknown token does not end with ▁, and neither
/// <c>continuing_subword_prefix</c>, <c>end_of_word_suffix</c> nor <c>ignore_merges</c> is set (they make a symbol
/// or a lookup depend on where the piece starts or ends), long pieces are tokenized word by word, each word through
/// the cache. Unknown chars are not fused across a cut because the word after it starts with the known ▁. Otherwise
/// the whole piece goes through one queue.</para></summary>
internal sealed class BpeModel : ITokenModel
{
    private const int MaxCacheEntries = 1 << 17;
    internal const int MaxCachedPieceLength = 256;

    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _vocabLookup;
    private readonly string?[] _tokenById;
    private readonly Dictionary<long, long> _merges;
    private readonly int[]? _byteFallbackIds;
    private readonly int? _unkId;
    private readonly bool _fuseUnk;
    private readonly bool _ignoreMerges;
    private readonly string? _prefix;
    private readonly string? _suffix;
    private readonly ConcurrentDictionary<string, ModelToken[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ModelToken[]>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;
    private readonly bool _cutBeforeWordStarts;
    private int _cacheCount;

    /// <summary>SentencePiece's word-start char, U+2581 LOWER ONE EIGHTH BLOCK.</summary>
    internal const char WordStart = '\u2581';

    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<BpeMerge> merges, BpeOptions options, string source)
    {
        _vocab = vocab;
        _vocabLookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        _tokenById = VocabularyTable.TokensById(vocab, source);
        _fuseUnk = options.FuseUnk;
        _ignoreMerges = options.IgnoreMerges;
        _prefix = string.IsNullOrEmpty(options.ContinuingSubwordPrefix) ? null : options.ContinuingSubwordPrefix;
        _suffix = string.IsNullOrEmpty(options.EndOfWordSuffix) ? null : options.EndOfWordSuffix;
        if (options.UnkToken is { } unk)
        {
            if (!vocab.TryGetValue(unk, out int unkId))
            {
                throw new InvarLockException(ErrorCodes.MalformedTokenizer, $"{source}: model.unk_token '{unk}' is not in model.vocab");
            }
            _unkId = unkId;
        }
        if (options.ByteFallback)
        {
            _byteFallbackIds = new int[256];
            for (int b = 0; b < 256; b++)
            {
                _byteFallbackIds[b] = vocab.TryGetValue($"<0x{b:X2}>", out int id) ? id : -1;
            }
        }

        int prefixLength = _prefix?.Length ?? 0;
        _merges = new Dictionary<long, long>(merges.Count);
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocab.TryGetValue(left, out int leftId) || !vocab.TryGetValue(right, out int rightId))
            {
                throw new InvarLockException(ErrorCodes.MalformedTokenizer,
                    $"{source}: merge {rank + 1} '{left} {right}' references a token that is not in model.vocab");
            }
            string mergedText = prefixLength > 0 && right.StartsWith(_prefix!, StringComparison.Ordinal)
                ? string.Concat(left, right.AsSpan(prefixLength))
                : string.Concat(left, right);
            if (!vocab.TryGetValue(mergedText, out int mergedId))
            {
                throw new InvarLockException(ErrorCodes.MalformedTokenizer,
                    $"{source}: merge {rank + 1} '{left} {right}' makes '{mergedText}', which is not in model.vocab");
            }
            // Later duplicates win, as in Hugging Face's HashMap collect.
            _merges[PairKey(leftId, rightId)] = ((long)rank << 32) | (uint)mergedId;
        }
        _cutBeforeWordStarts = CanCutBeforeWordStarts(vocab, options);
    }

    /// <summary>Whether long pieces are tokenized word by word (see the class remarks for why that gives the same ids).</summary>
    internal bool CutsBeforeWordStarts => _cutBeforeWordStarts;

    private bool CanCutBeforeWordStarts(Dictionary<string, int> vocab, BpeOptions options)
    {
        if (_prefix is not null || _suffix is not null || _ignoreMerges || !vocab.ContainsKey(WordStart.ToString())
            || (options.UnkToken is { Length: > 0 } unk && unk[^1] == WordStart))
        {
            return false;
        }
        foreach (string token in vocab.Keys)
        {
            for (int at = token.IndexOf(WordStart, 1); at > 0; at = at + 1 < token.Length ? token.IndexOf(WordStart, at + 1) : -1)
            {
                if (token[at - 1] != WordStart)
                {
                    return false;
                }
            }
        }
        return true;
    }

    public int IdCount => _tokenById.Length;

    public bool TryGetId(string token, out int id) => _vocab.TryGetValue(token, out id);

    public string? TokenOf(int id) => (uint)id < (uint)_tokenById.Length ? _tokenById[id] : null;

    public void Tokenize(string piece, List<ModelToken> output)
    {
        if (piece.Length == 0)
        {
            return;
        }
        if (_cutBeforeWordStarts && piece.Length > MaxCachedPieceLength)
        {
            int wordStart = 0;
            for (int i = 1; i < piece.Length; i++)
            {
                if (piece[i] == WordStart && piece[i - 1] != WordStart)
                {
                    TokenizeSpan(piece.AsSpan(wordStart, i - wordStart), wordStart, output);
                    wordStart = i;
                }
            }
            TokenizeSpan(piece.AsSpan(wordStart), wordStart, output);
            return;
        }
        TokenizeSpan(piece, 0, output);
    }

    /// <summary>Tokens of <paramref name="piece"/>, their ranges moved by <paramref name="offset"/>.</summary>
    private void TokenizeSpan(ReadOnlySpan<char> piece, int offset, List<ModelToken> output)
    {
        bool cacheable = piece.Length <= MaxCachedPieceLength;
        if (!cacheable || !_cacheLookup.TryGetValue(piece, out var word))
        {
            word = _ignoreMerges && _vocabLookup.TryGetValue(piece, out int whole) ? [new ModelToken(whole, 0, piece.Length)] : MergeWord(piece);
            if (cacheable && Volatile.Read(ref _cacheCount) < MaxCacheEntries && _cache.TryAdd(piece.ToString(), word))
            {
                Interlocked.Increment(ref _cacheCount);
            }
        }
        if (offset == 0)
        {
            output.AddRange(word);
            return;
        }
        foreach (var token in word)
        {
            output.Add(new ModelToken(token.Id, token.Start + offset, token.End + offset));
        }
    }

    private ModelToken[] MergeWord(ReadOnlySpan<char> piece)
    {
        var ids = new List<int>(piece.Length);
        var starts = new List<int>(piece.Length);
        var ends = new List<int>(piece.Length);
        (int Id, int Start, int End)? unk = null;
        var symbol = new StringBuilder(16);
        for (int i = 0; i < piece.Length;)
        {
            Rune.DecodeFromUtf16(piece[i..], out Rune rune, out int width);
            bool isFirst = i == 0;
            bool isLast = i + width == piece.Length;
            int id;
            bool found;
            if ((_prefix is null || isFirst) && (_suffix is null || !isLast))
            {
                found = _vocabLookup.TryGetValue(piece.Slice(i, width), out id);
            }
            else
            {
                symbol.Clear();
                if (!isFirst && _prefix is not null)
                {
                    symbol.Append(_prefix);
                }
                symbol.Append(piece.Slice(i, width));
                if (isLast && _suffix is not null)
                {
                    symbol.Append(_suffix);
                }
                found = _vocab.TryGetValue(symbol.ToString(), out id);
            }

            if (found)
            {
                if (unk is { } pending)
                {
                    Add(pending.Id, pending.Start, pending.End);
                    unk = null;
                }
                Add(id, i, i + width);
            }
            else if (!TryByteFallback(piece, i, i + width, ids, starts, ends))
            {
                if (_unkId is int unkId)
                {
                    if (unk is { } pending)
                    {
                        if (_fuseUnk)
                        {
                            unk = (pending.Id, pending.Start, i + width);
                        }
                        else
                        {
                            Add(pending.Id, pending.Start, pending.End);
                            unk = (unkId, i, i + width);
                        }
                    }
                    else
                    {
                        unk = (unkId, i, i + width);
                    }
                }
            }
            i += width;
        }
        if (unk is { } last)
        {
            Add(last.Id, last.Start, last.End);
        }
        return Merge(ids, starts, ends);

        void Add(int id, int start, int end)
        {
            ids.Add(id);
            starts.Add(start);
            ends.Add(end);
        }
    }

    /// <summary>Adds the byte-fallback tokens of the symbol [<paramref name="start"/>, <paramref name="end"/>) when
    /// <c>byte_fallback</c> holds and every byte has one; Hugging Face falls back on the symbol as looked up, prefix
    /// and suffix included.</summary>
    private bool TryByteFallback(ReadOnlySpan<char> piece, int start, int end, List<int> ids, List<int> starts, List<int> ends)
    {
        if (_byteFallbackIds is null)
        {
            return false;
        }
        bool isFirst = start == 0;
        bool isLast = end == piece.Length;
        string text = string.Concat(!isFirst && _prefix is not null ? _prefix : "", piece[start..end],
            isLast && _suffix is not null ? _suffix : "");
        int count = Encoding.UTF8.GetByteCount(text);
        Span<byte> all = count <= 64 ? stackalloc byte[64] : new byte[count];
        Encoding.UTF8.GetBytes(text, all);
        for (int k = 0; k < count; k++)
        {
            if (_byteFallbackIds[all[k]] < 0)
            {
                return false;
            }
        }
        for (int k = 0; k < count; k++)
        {
            ids.Add(_byteFallbackIds[all[k]]);
            starts.Add(start);
            ends.Add(end);
        }
        return true;
    }

    /// <summary>Hugging Face's <c>Word::merge_all</c>.</summary>
    private ModelToken[] Merge(List<int> ids, List<int> starts, List<int> ends)
    {
        int n = ids.Count;
        var c = ids.ToArray();
        var start = starts.ToArray();
        var end = ends.ToArray();
        var prev = new int[n];
        var next = new int[n];
        var removed = new bool[n];
        for (int i = 0; i < n; i++)
        {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        if (n > 1)
        {
            var queue = new PriorityQueue<(int Pos, int NewId), long>(n);
            for (int i = 0; i < n - 1; i++)
            {
                if (_merges.TryGetValue(PairKey(c[i], c[i + 1]), out long m))
                {
                    queue.Enqueue((i, (int)(uint)m), Priority(m, i));
                }
            }
            while (queue.TryDequeue(out var top, out _))
            {
                int pos = top.Pos;
                if (removed[pos] || next[pos] == -1)
                {
                    continue;
                }
                int right = next[pos];
                if (!_merges.TryGetValue(PairKey(c[pos], c[right]), out long current) || (int)(uint)current != top.NewId)
                {
                    continue;
                }
                c[pos] = top.NewId;
                end[pos] = end[right];
                removed[right] = true;
                next[pos] = next[right];
                if (next[right] >= 0)
                {
                    prev[next[right]] = pos;
                }
                if (prev[pos] >= 0 && _merges.TryGetValue(PairKey(c[prev[pos]], c[pos]), out long withPrevious))
                {
                    queue.Enqueue((prev[pos], (int)(uint)withPrevious), Priority(withPrevious, prev[pos]));
                }
                if (next[pos] >= 0 && _merges.TryGetValue(PairKey(c[pos], c[next[pos]]), out long withNext))
                {
                    queue.Enqueue((pos, (int)(uint)withNext), Priority(withNext, pos));
                }
            }
        }
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            if (!removed[i])
            {
                count++;
            }
        }
        var result = new ModelToken[count];
        int w = 0;
        for (int i = 0; i < n; i++)
        {
            if (!removed[i])
            {
                result[w++] = new ModelToken(c[i], start[i], end[i]);
            }
        }
        return result;
    }

    private static long Priority(long merge, int pos) => (merge & ~0xFFFFFFFFL) | (uint)pos;

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;
}
