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
/// is one token. Results for pieces up to <see cref="MaxCachedPieceLength"/> chars are cached.</summary>
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
    private int _cacheCount;

    public BpeModel(Dictionary<string, int> vocab, IReadOnlyList<BpeMerge> merges, BpeOptions options, string source)
    {
        _vocab = vocab;
        _vocabLookup = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
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
        if (_ignoreMerges && _vocab.TryGetValue(piece, out int whole))
        {
            output.Add(new ModelToken(whole, 0, piece.Length));
            return;
        }
        bool cacheable = piece.Length <= MaxCachedPieceLength;
        if (cacheable && _cache.TryGetValue(piece, out var cached))
        {
            output.AddRange(cached);
            return;
        }
        var word = MergeWord(piece);
        if (cacheable && Volatile.Read(ref _cacheCount) < MaxCacheEntries && _cache.TryAdd(piece, word))
        {
            Interlocked.Increment(ref _cacheCount);
        }
        output.AddRange(word);
    }

    private ModelToken[] MergeWord(string piece)
    {
        var ids = new List<int>(piece.Length);
        var starts = new List<int>(piece.Length);
        var ends = new List<int>(piece.Length);
        (int Id, int Start, int End)? unk = null;
        Span<byte> utf8 = stackalloc byte[4];
        var symbol = new StringBuilder(16);
        for (int i = 0; i < piece.Length;)
        {
            Rune rune = Rune.GetRuneAt(piece, i);
            int width = rune.Utf16SequenceLength;
            bool isFirst = i == 0;
            bool isLast = i + width == piece.Length;
            int id;
            bool found;
            if ((_prefix is null || isFirst) && (_suffix is null || !isLast))
            {
                found = _vocabLookup.TryGetValue(piece.AsSpan(i, width), out id);
            }
            else
            {
                symbol.Clear();
                if (!isFirst && _prefix is not null)
                {
                    symbol.Append(_prefix);
                }
                symbol.Append(piece, i, width);
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
            else if (!TryByteFallback(rune, i, i + width, utf8))
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

        bool TryByteFallback(Rune rune, int start, int end, Span<byte> bytes)
        {
            if (_byteFallbackIds is null)
            {
                return false;
            }
            // Hugging Face falls back on the symbol as looked up, prefix and suffix included.
            string text = SymbolText(piece, start, end);
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
                Add(_byteFallbackIds[all[k]], start, end);
            }
            return true;
        }
    }

    private string SymbolText(string piece, int start, int end)
    {
        bool isFirst = start == 0;
        bool isLast = end == piece.Length;
        return string.Concat(!isFirst && _prefix is not null ? _prefix : "", piece.AsSpan(start, end - start),
            isLast && _suffix is not null ? _suffix : "");
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
