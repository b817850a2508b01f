using System.Text;

namespace InvarLock.Models.Tokenizers;

/// <summary>Learns GPT-2 style byte-level BPE merges from text, deterministically: the same corpus and size always
/// give the same vocabulary and merges on every platform.
/// <para>The corpus is split with GPT-2's pre-tokenizer and each distinct pre-token is counted. Starting from the
/// 256 byte symbols, each step counts adjacent symbol pairs over all pre-tokens (weighted by their counts), picks the
/// most frequent pair (ties: the smaller left symbol, then the smaller right symbol, by ordinal string order),
/// records it as the next merge and merges its occurrences left to right. A merge whose result already exists adds
/// no vocabulary entry. Training stops when the vocabulary reaches <c>vocabSize</c> or no pair is left.</para></summary>
public static class ByteLevelBpeTrainer
{
    /// <summary>Trains a model whose vocabulary is the 256 byte symbols (ids 0..255 in GPT-2's order), then one entry
    /// per new merge result, then <c>&lt;|endoftext|&gt;</c> as the last id.</summary>
    /// <param name="corpus">Training text.</param>
    /// <param name="vocabSize">Target vocabulary size, end-of-text included; at least 257. A corpus with too few
    /// distinct pairs gives a smaller vocabulary (see <see cref="ByteLevelBpeModel.VocabSize"/>).</param>
    public static ByteLevelBpeModel Train(string corpus, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 257);

        var tokens = new List<string>(vocabSize);
        var idByToken = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (byte b in ByteLevelAlphabet.ByteOrder)
        {
            string symbol = ByteLevelAlphabet.ByteToChar[b].ToString();
            idByToken.Add(symbol, tokens.Count);
            tokens.Add(symbol);
        }
        var idByByte = new int[256];
        for (int b = 0; b < 256; b++)
        {
            idByByte[b] = idByToken[ByteLevelAlphabet.ByteToChar[b].ToString()];
        }

        var (words, counts) = CountWords(corpus, idByByte);
        var merges = new List<BpeMerge>();
        var pairCounts = new Dictionary<long, long>();
        int[] lengths = new int[words.Count];
        for (int w = 0; w < words.Count; w++)
        {
            lengths[w] = words[w].Length;
        }

        while (tokens.Count < vocabSize - 1)
        {
            pairCounts.Clear();
            for (int w = 0; w < words.Count; w++)
            {
                int[] symbols = words[w];
                for (int i = 0; i < lengths[w] - 1; i++)
                {
                    long key = PairKey(symbols[i], symbols[i + 1]);
                    pairCounts[key] = pairCounts.GetValueOrDefault(key) + counts[w];
                }
            }
            if (pairCounts.Count == 0)
            {
                break;
            }

            long bestKey = 0;
            long bestCount = -1;
            foreach (var (key, count) in pairCounts)
            {
                if (count > bestCount || (count == bestCount && ComparePairs(tokens, key, bestKey) < 0))
                {
                    bestKey = key;
                    bestCount = count;
                }
            }

            int left = (int)(bestKey >> 32);
            int right = (int)(uint)bestKey;
            string mergedToken = string.Concat(tokens[left], tokens[right]);
            if (!idByToken.TryGetValue(mergedToken, out int merged))
            {
                merged = tokens.Count;
                idByToken.Add(mergedToken, merged);
                tokens.Add(mergedToken);
            }
            merges.Add(new BpeMerge(tokens[left], tokens[right]));

            for (int w = 0; w < words.Count; w++)
            {
                lengths[w] = MergeInPlace(words[w], lengths[w], left, right, merged);
            }
        }

        tokens.Add(Gpt2BpeTokenizer.EndOfTextToken);
        return new ByteLevelBpeModel(tokens, merges);
    }

    private static (List<int[]> Words, List<long> Counts) CountWords(string corpus, int[] idByByte)
    {
        var countByWord = new Dictionary<string, long>(StringComparer.Ordinal);
        var lookup = countByWord.GetAlternateLookup<ReadOnlySpan<char>>();
        ReadOnlySpan<char> span = corpus;
        int position = 0;
        while (position < span.Length)
        {
            int length = Gpt2PreTokenizer.NextTokenLength(span, position);
            var word = span.Slice(position, length);
            lookup[word] = lookup.TryGetValue(word, out long count) ? count + 1 : 1;
            position += length;
        }

        // Sorted so that nothing depends on dictionary order.
        var distinct = new List<string>(countByWord.Keys);
        distinct.Sort(StringComparer.Ordinal);
        var words = new List<int[]>(distinct.Count);
        var counts = new List<long>(distinct.Count);
        foreach (string word in distinct)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(word);
            var symbols = new int[utf8.Length];
            for (int i = 0; i < utf8.Length; i++)
            {
                symbols[i] = idByByte[utf8[i]];
            }
            words.Add(symbols);
            counts.Add(countByWord[word]);
        }
        return (words, counts);
    }

    private static int MergeInPlace(int[] symbols, int length, int left, int right, int merged)
    {
        int write = 0;
        int read = 0;
        while (read < length)
        {
            if (read < length - 1 && symbols[read] == left && symbols[read + 1] == right)
            {
                symbols[write++] = merged;
                read += 2;
            }
            else
            {
                symbols[write++] = symbols[read++];
            }
        }
        return write;
    }

    private static int ComparePairs(List<string> tokens, long a, long b)
    {
        int byLeft = string.CompareOrdinal(tokens[(int)(a >> 32)], tokens[(int)(b >> 32)]);
        return byLeft != 0 ? byLeft : string.CompareOrdinal(tokens[(int)(uint)a], tokens[(int)(uint)b]);
    }

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;
}
