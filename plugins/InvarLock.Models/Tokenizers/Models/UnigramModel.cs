using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tokenizers.Models;

/// <summary><c>Unigram</c> (SentencePiece unigram): the segmentation of a piece with the highest total score, found by
/// Viterbi over a trie of the vocabulary, as Hugging Face's <c>encode_optimized</c> does it
/// (docs/tokenizers.md, "Unigram"):
/// <list type="bullet">
/// <item>positions advance one Unicode scalar at a time; from each start every vocabulary entry that is a prefix of
/// the rest is a candidate, shortest first, and a candidate replaces the best path ending where it ends only when its
/// score is strictly higher (so on ties the earliest start and the shortest entry win, as in Hugging Face);</item>
/// <item>a scalar that no single-scalar entry covers is the unknown token, scored <c>min score − 10</c>;</item>
/// <item>consecutive unknown tokens are fused into one (Hugging Face always fuses for Unigram); with
/// <c>byte_fallback</c> an unknown stretch becomes its UTF-8 bytes as <c>&lt;0xXX&gt;</c> tokens when all of them
/// exist, otherwise the unknown id.</item>
/// </list></summary>
internal sealed class UnigramModel : ITokenModel
{
    /// <summary>Hugging Face's and SentencePiece's <c>kUnkPenalty</c>: how far below the lowest score an unknown scalar is.</summary>
    private const double UnknownPenalty = 10.0;

    private readonly Dictionary<string, int> _ids;
    private readonly string[] _tokenById;
    private readonly double[] _scoreById;
    private readonly Dictionary<long, int> _edges = [];
    private readonly List<int> _nodeId = [-1];
    private readonly int? _unkId;
    private readonly bool _byteFallback;
    private readonly double _unknownScore;
    private readonly int[] _byteIds = new int[256];
    private readonly string _source;

    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MalformedTokenizer"/> for an empty vocabulary, a token
    /// listed twice or an <paramref name="unkId"/> outside it.</exception>
    public UnigramModel(IReadOnlyList<(string Token, double Score)> vocab, int? unkId, bool byteFallback, string source)
    {
        _source = source;
        if (vocab.Count == 0)
        {
            throw new InvarLockException(ErrorCodes.MalformedTokenizer, $"{source}: model.vocab is empty");
        }
        if (unkId is int u && (u < 0 || u >= vocab.Count))
        {
            throw new InvarLockException(ErrorCodes.MalformedTokenizer, $"{source}: model.unk_id {u} is outside the {vocab.Count} vocabulary entries");
        }
        _ids = new Dictionary<string, int>(vocab.Count, StringComparer.Ordinal);
        _tokenById = new string[vocab.Count];
        _scoreById = new double[vocab.Count];
        double min = double.PositiveInfinity;
        for (int id = 0; id < vocab.Count; id++)
        {
            var (token, score) = vocab[id];
            if (!_ids.TryAdd(token, id))
            {
                throw new InvarLockException(ErrorCodes.MalformedTokenizer, $"{source}: model.vocab lists '{token}' twice (ids {_ids[token]} and {id})");
            }
            _tokenById[id] = token;
            _scoreById[id] = score;
            min = Math.Min(min, score);
            Insert(token, id);
        }
        _unkId = unkId;
        _byteFallback = byteFallback;
        _unknownScore = min - UnknownPenalty;
        for (int b = 0; b < 256; b++)
        {
            _byteIds[b] = _ids.TryGetValue($"<0x{b:X2}>", out int id) ? id : -1;
        }
    }

    public int IdCount => _tokenById.Length;

    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    public string? TokenOf(int id) => (uint)id < (uint)_tokenById.Length ? _tokenById[id] : null;

    public void Tokenize(string piece, List<ModelToken> output)
    {
        int n = piece.Length;
        if (n == 0)
        {
            return;
        }
        // Best path ending at each UTF-16 position (only scalar boundaries are reached): score, start, id.
        var bestScore = new double[n + 1];
        var bestStart = new int[n + 1];
        var bestId = new int[n + 1];
        bestStart.AsSpan().Fill(-1);
        bestStart[0] = 0;
        for (int start = 0; start < n;)
        {
            int scalarLength = char.IsHighSurrogate(piece[start]) && start + 1 < n && char.IsLowSurrogate(piece[start + 1]) ? 2 : 1;
            double here = bestScore[start];
            bool single = false;
            int node = 0;
            for (int at = start; at < n; at++)
            {
                if (!_edges.TryGetValue(((long)node << 16) | piece[at], out node))
                {
                    break;
                }
                int id = _nodeId[node];
                if (id < 0)
                {
                    continue;
                }
                int end = at + 1;
                double candidate = here + _scoreById[id];
                if (bestStart[end] < 0 || candidate > bestScore[end])
                {
                    bestScore[end] = candidate;
                    bestStart[end] = start;
                    bestId[end] = id;
                }
                single |= end - start == scalarLength;
            }
            if (!single)
            {
                int end = start + scalarLength;
                double candidate = here + _unknownScore;
                if (bestStart[end] < 0 || candidate > bestScore[end])
                {
                    bestScore[end] = candidate;
                    bestStart[end] = start;
                    bestId[end] = _unkId ?? throw new InvarLockException(ErrorCodes.MalformedTokenizer,
                        $"{_source}: the Unigram model has no unk_id and a character of the text is not in model.vocab");
                }
            }
            start += scalarLength;
        }

        // Back from the end: fuse consecutive unknown tokens, then emit in text order.
        int first = output.Count;
        for (int end = n; end > 0;)
        {
            int start = bestStart[end];
            int id = bestId[end];
            if (_unkId is int unk && id == unk)
            {
                while (start > 0 && bestId[start] == unk)
                {
                    start = bestStart[start];
                }
                EmitUnknown(piece, start, end, output);
            }
            else
            {
                output.Add(new ModelToken(id, start, end));
            }
            end = start;
        }
        output.Reverse(first, output.Count - first);
    }

    /// <summary>Appends an unknown stretch in reverse order (the caller reverses the whole piece): its UTF-8 bytes as
    /// <c>&lt;0xXX&gt;</c> tokens when byte fallback is on and all exist, else the unknown id (or the stretch's own id, if
    /// the fused text happens to be a vocabulary entry).</summary>
    private void EmitUnknown(string piece, int start, int end, List<ModelToken> output)
    {
        string text = piece[start..end];
        if (_ids.TryGetValue(text, out int whole))
        {
            output.Add(new ModelToken(whole, start, end));
            return;
        }
        if (_byteFallback)
        {
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
            bool all = true;
            foreach (byte b in bytes)
            {
                all &= _byteIds[b] >= 0;
            }
            if (all)
            {
                for (int i = bytes.Length - 1; i >= 0; i--)
                {
                    output.Add(new ModelToken(_byteIds[bytes[i]], start, end));
                }
                return;
            }
        }
        output.Add(new ModelToken(_unkId!.Value, start, end));
    }

    private void Insert(string token, int id)
    {
        int node = 0;
        foreach (char c in token)
        {
            long key = ((long)node << 16) | c;
            if (!_edges.TryGetValue(key, out int next))
            {
                next = _nodeId.Count;
                _nodeId.Add(-1);
                _edges.Add(key, next);
            }
            node = next;
        }
        if (token.Length > 0)
        {
            _nodeId[node] = id;
        }
    }
}
