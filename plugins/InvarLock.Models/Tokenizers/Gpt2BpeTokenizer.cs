using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Tokenizers;

/// <summary>GPT-2's byte-level BPE tokenizer, giving the same ids as OpenAI's <c>encoder.py</c> and Hugging Face's
/// <c>GPT2Tokenizer</c>: the text is split into pre-tokens with GPT-2's pattern (see <see cref="Gpt2PreTokenizer"/>),
/// each pre-token's UTF-8 bytes become byte symbols, and merges are applied lowest rank first, every occurrence of the
/// chosen pair left to right, until no ranked pair remains. Results per pre-token are cached.
/// <para><b>Special tokens in text.</b> <see cref="Encode"/> treats all text as plain text: a literal
/// <c>&lt;|endoftext|&gt;</c> in the input is split and merged like any other characters and never produces the
/// end-of-text id, as in OpenAI's encoder and <c>tiktoken</c> with special tokens disallowed. This keeps evaluation
/// text from smuggling control tokens into a window. Hugging Face's tokenizers would instead match added tokens in the
/// text; callers that want an end-of-text id append <see cref="TokenizerInfo.EosTokenId"/> themselves.</para>
/// <para><b>Decoding.</b> Tokens map back to bytes through the byte-level table; added tokens (from
/// <c>tokenizer.json</c>'s <c>added_tokens</c>) decode to their literal content. Bytes that are not valid UTF-8 become
/// U+FFFD, as with Hugging Face's <c>errors="replace"</c>. For any string without lone surrogates,
/// <c>Decode(Encode(s)) == s</c>.</para>
/// <para>Instances are immutable apart from the word cache and are safe to use from several threads.</para></summary>
public sealed class Gpt2BpeTokenizer : ITokenizer
{
    /// <summary>The <see cref="TokenizerInfo.Kind"/> of this tokenizer.</summary>
    public const string KindName = "gpt2-byte-bpe";

    /// <summary>The end-of-text token's text.</summary>
    public const string EndOfTextToken = "<|endoftext|>";

    private const int MaxCacheEntries = 1 << 18;
    private const int NoRank = int.MaxValue;

    private readonly byte[]?[] _bytesById;
    private readonly int[] _idByByte = new int[256];
    private readonly Dictionary<long, int> _rankByPair;
    private readonly int[] _mergedIdByRank;
    private readonly Dictionary<string, int>? _wholeWordIds;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private int _cacheCount; // ConcurrentDictionary.Count takes every lock, too slow to ask per word

    internal Gpt2BpeTokenizer(BpeDefinition definition, string source)
    {
        var vocab = definition.Vocab;
        if (vocab.Count == 0)
        {
            throw Malformed(source, "the vocabulary is empty");
        }

        int maxId = -1;
        foreach (var (token, id) in vocab)
        {
            if (id < 0)
            {
                throw Malformed(source, $"token '{token}' has a negative id {id}");
            }
            maxId = Math.Max(maxId, id);
        }

        var tokensById = new string?[maxId + 1];
        foreach (var (token, id) in vocab)
        {
            if (tokensById[id] is { } other)
            {
                throw Malformed(source, $"id {id} is given to both '{other}' and '{token}'");
            }
            tokensById[id] = token;
        }

        for (int b = 0; b < 256; b++)
        {
            string symbol = ByteLevelAlphabet.ByteToChar[b].ToString();
            if (!vocab.TryGetValue(symbol, out _idByByte[b]))
            {
                throw Malformed(source, $"the vocabulary has no byte-level symbol '{symbol}' for byte 0x{b:X2}");
            }
        }

        var merges = definition.Merges;
        _rankByPair = new Dictionary<long, int>(merges.Count);
        _mergedIdByRank = new int[merges.Count];
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocab.TryGetValue(left, out int leftId) || !vocab.TryGetValue(right, out int rightId))
            {
                throw Malformed(source, $"merge {rank + 1} '{left} {right}' references a token that is not in the vocabulary");
            }
            if (!vocab.TryGetValue(string.Concat(left, right), out _mergedIdByRank[rank]))
            {
                throw Malformed(source, $"merge {rank + 1} '{left} {right}' makes '{left}{right}', which is not in the vocabulary");
            }
            // Later duplicates win, as in encoder.py's dict(zip(merges, range(len(merges)))).
            _rankByPair[PairKey(leftId, rightId)] = rank;
        }

        _bytesById = new byte[]?[maxId + 1];
        int? eos = null;
        for (int id = 0; id <= maxId; id++)
        {
            string? token = tokensById[id];
            if (token is null)
            {
                continue;
            }
            _bytesById[id] = definition.AddedTokenIds.Contains(id) ? Encoding.UTF8.GetBytes(token) : TokenBytes(token);
            if (token == EndOfTextToken)
            {
                eos = id;
            }
        }

        if (definition.IgnoreMerges)
        {
            _wholeWordIds = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        }

        var ordered = new List<KeyValuePair<int, string>>(vocab.Count);
        for (int id = 0; id <= maxId; id++)
        {
            if (tokensById[id] is { } token)
            {
                ordered.Add(new KeyValuePair<int, string>(id, token));
            }
        }
        Info = new TokenizerInfo(KindName, maxId + 1, eos, TokenizerDigest.Compute(KindName, ordered, merges));
    }

    /// <inheritdoc />
    public TokenizerInfo Info { get; }

    /// <summary>Loads a Hugging Face <c>tokenizer.json</c> with a BPE model and a ByteLevel pre-tokenizer.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> when the file does not exist,
    /// <see cref="ErrorCodes.MalformedTokenizer"/> when it is not a usable byte-level BPE definition.</exception>
    public static Gpt2BpeTokenizer FromTokenizerJson(string path) =>
        new(TokenizerFileReader.ReadTokenizerJson(path), path);

    /// <summary>Loads GPT-2's original files: <c>vocab.json</c> (or <c>encoder.json</c>) mapping tokens to ids, and
    /// <c>merges.txt</c> (or <c>vocab.bpe</c>) with one merge per line after an optional <c>#version</c> line.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> when a file does not exist,
    /// <see cref="ErrorCodes.MalformedTokenizer"/> when a file is malformed or a merge references an unknown token.</exception>
    public static Gpt2BpeTokenizer FromVocabAndMerges(string vocabPath, string mergesPath) =>
        new(TokenizerFileReader.ReadVocabAndMerges(vocabPath, mergesPath), mergesPath);

    /// <inheritdoc />
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        var cache = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        ReadOnlySpan<char> span = text;
        int position = 0;
        while (position < span.Length)
        {
            int length = Gpt2PreTokenizer.NextTokenLength(span, position);
            var word = span.Slice(position, length);
            if (!cache.TryGetValue(word, out int[]? wordIds))
            {
                wordIds = EncodeWord(word);
                if (Volatile.Read(ref _cacheCount) < MaxCacheEntries && cache.TryAdd(word, wordIds))
                {
                    Interlocked.Increment(ref _cacheCount);
                }
            }
            ids.AddRange(wordIds);
            position += length;
        }
        return ids.ToArray();
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary.</exception>
    public string Decode(ReadOnlySpan<int> ids)
    {
        int total = 0;
        foreach (int id in ids)
        {
            total += BytesOf(id).Length;
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(total, 1));
        try
        {
            int offset = 0;
            foreach (int id in ids)
            {
                var bytes = BytesOf(id);
                bytes.CopyTo(buffer.AsSpan(offset));
                offset += bytes.Length;
            }
            return Encoding.UTF8.GetString(buffer, 0, total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private byte[] BytesOf(int id)
    {
        if ((uint)id >= (uint)_bytesById.Length || _bytesById[id] is not { } bytes)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, "The id is not in the tokenizer's vocabulary.");
        }
        return bytes;
    }

    private int[] EncodeWord(ReadOnlySpan<char> word)
    {
        int maxBytes = Encoding.UTF8.GetMaxByteCount(word.Length);
        byte[]? rented = null;
        Span<byte> utf8 = maxBytes <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            int count = Encoding.UTF8.GetBytes(word, utf8);
            if (_wholeWordIds is not null && TryWholeWord(utf8[..count], out int wholeId))
            {
                return [wholeId];
            }
            var symbols = new int[count];
            for (int i = 0; i < count; i++)
            {
                symbols[i] = _idByByte[utf8[i]];
            }
            int length = ApplyMerges(symbols);
            return length == symbols.Length ? symbols : symbols.AsSpan(0, length).ToArray();
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private bool TryWholeWord(ReadOnlySpan<byte> utf8, out int id)
    {
        Span<char> chars = utf8.Length <= 256 ? stackalloc char[256] : new char[utf8.Length];
        for (int i = 0; i < utf8.Length; i++)
        {
            chars[i] = ByteLevelAlphabet.ByteToChar[utf8[i]];
        }
        return _wholeWordIds!.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..utf8.Length], out id);
    }

    /// <summary>Applies merges in place: each round finds the lowest-ranked adjacent pair and merges all its
    /// occurrences left to right. <paramref name="symbols"/> holds ids; returns the number left.</summary>
    private int ApplyMerges(int[] symbols)
    {
        int n = symbols.Length;
        if (n < 2)
        {
            return n;
        }
        int[] ranks = ArrayPool<int>.Shared.Rent(n);
        bool[] changed = ArrayPool<bool>.Shared.Rent(n);
        try
        {
            for (int i = 0; i < n - 1; i++)
            {
                ranks[i] = RankOf(symbols[i], symbols[i + 1]);
            }
            while (n > 1)
            {
                int best = NoRank;
                int first = -1;
                for (int i = 0; i < n - 1; i++)
                {
                    if (ranks[i] < best)
                    {
                        best = ranks[i];
                        first = i;
                    }
                }
                if (best == NoRank)
                {
                    break;
                }

                int left = symbols[first];
                int right = symbols[first + 1];
                int merged = _mergedIdByRank[best];
                int write = first;
                int read = first;
                while (read < n)
                {
                    if (read < n - 1 && symbols[read] == left && symbols[read + 1] == right)
                    {
                        symbols[write] = merged;
                        changed[write] = true;
                        read += 2;
                    }
                    else
                    {
                        symbols[write] = symbols[read];
                        ranks[write] = ranks[read];
                        changed[write] = false;
                        read++;
                    }
                    write++;
                }
                n = write;
                // A pair's rank is stale only where one of its two symbols is a new merge.
                for (int i = Math.Max(first - 1, 0); i < n - 1; i++)
                {
                    if (changed[i] || changed[i + 1])
                    {
                        ranks[i] = RankOf(symbols[i], symbols[i + 1]);
                    }
                }
            }
            return n;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ranks);
            ArrayPool<bool>.Shared.Return(changed);
        }
    }

    private int RankOf(int left, int right) =>
        _rankByPair.TryGetValue(PairKey(left, right), out int rank) ? rank : NoRank;

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    private static byte[] TokenBytes(string token)
    {
        var bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            int b = ByteLevelAlphabet.CharToByte(token[i]);
            if (b < 0)
            {
                // Not a byte-level token (for example a special token listed only in vocab.json): its text is literal.
                return Encoding.UTF8.GetBytes(token);
            }
            bytes[i] = (byte)b;
        }
        return bytes;
    }

    private static InvarLockException Malformed(string source, string problem) =>
        new(ErrorCodes.MalformedTokenizer, $"{source}: {problem}");
}
