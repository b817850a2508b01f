using System.Text;
using InvarLock.Models.Tokenizers;

namespace InvarLock.Models.Tests.Tokenizers;

public sealed class Gpt2BpeTokenizerTests
{
    /// <summary>A tokenizer with the 256 byte symbols (GPT-2 order) and the given merges.</summary>
    private static Gpt2BpeTokenizer HandMade(params (string Left, string Right)[] merges)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (byte b in ByteLevelAlphabet.ByteOrder)
        {
            vocab.Add(ByteLevelAlphabet.ByteToChar[b].ToString(), vocab.Count);
        }
        var list = new List<BpeMerge>();
        foreach (var (left, right) in merges)
        {
            vocab.TryAdd(left + right, vocab.Count);
            list.Add(new BpeMerge(left, right));
        }
        vocab.Add(Gpt2BpeTokenizer.EndOfTextToken, vocab.Count);
        return new Gpt2BpeTokenizer(new BpeDefinition(vocab, list, [vocab.Count - 1], ignoreMerges: false), "test");
    }

    private static string[] Pieces(Gpt2BpeTokenizer tokenizer, string text) =>
        [.. tokenizer.Encode(text).Select(id => tokenizer.Decode([id]))];

    [Fact]
    public void Encode_LowerRankMergeFirst_DecidesSegmentation()
    {
        Assert.Equal(["ab", "c"], Pieces(HandMade(("a", "b"), ("b", "c")), "abc"));
        Assert.Equal(["a", "bc"], Pieces(HandMade(("b", "c"), ("a", "b")), "abc"));
    }

    [Fact]
    public void Encode_OverlappingPair_MergesLeftToRight()
    {
        Assert.Equal(["aa", "a"], Pieces(HandMade(("a", "a")), "aaa"));
        Assert.Equal(["aa", "aa"], Pieces(HandMade(("a", "a")), "aaaa"));
        Assert.Equal(["aaaa", "a"], Pieces(HandMade(("a", "a"), ("aa", "aa")), "aaaaa"));
    }

    [Fact]
    public void Encode_SpaceLeadsWord_AsByteSymbol()
    {
        var tokenizer = HandMade(("\u0120", "a"));
        Assert.Equal(["x", " a"], Pieces(tokenizer, "x a"));
    }

    [Fact]
    public void Encode_NoMerges_GivesOneIdPerUtf8Byte()
    {
        var tokenizer = HandMade();
        string text = "é😀";
        Assert.Equal(Encoding.UTF8.GetByteCount(text), tokenizer.Encode(text).Length);
    }

    [Fact]
    public void Encode_LiteralEndOfText_IsPlainTextNotTheSpecialId()
    {
        var tokenizer = TokenizerTestData.SmallModel.CreateTokenizer();
        int eos = tokenizer.Info.EosTokenId!.Value;
        int[] ids = tokenizer.Encode("a<|endoftext|>b");
        Assert.DoesNotContain(eos, ids);
        Assert.Equal("a<|endoftext|>b", tokenizer.Decode(ids));
        Assert.Equal("<|endoftext|>", tokenizer.Decode([eos]));
    }

    [Fact]
    public void DecodeEncode_VariedTexts_RoundTrip()
    {
        var tokenizer = TokenizerTestData.SmallModel.CreateTokenizer();
        foreach (string text in TokenizerTestData.VariedTexts)
        {
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
        }
    }

    [Fact]
    public void DecodeEncode_RandomStrings_RoundTrip()
    {
        var tokenizer = TokenizerTestData.SmallModel.CreateTokenizer();
        string pool = "abcdefgh ABC  \t\n\r0123456789.,;'\"!?-_éüñßçЖжλΩ中文日本語한국어عربيעבריתहिन्दी😀👍🏽‍❤️\u0301\u00a0\u3000\u0085\uFEFF";
        var runes = pool.EnumerateRunes().ToArray();
        var random = new Random(1234);
        for (int n = 0; n < 500; n++)
        {
            var sb = new StringBuilder();
            int length = random.Next(0, 60);
            for (int i = 0; i < length; i++)
            {
                sb.Append(runes[random.Next(runes.Length)].ToString());
            }
            string text = sb.ToString();
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
        }
    }

    [Fact]
    public void Encode_SameTextTwice_SameIdsFromCache()
    {
        var tokenizer = TokenizerTestData.SmallModel.CreateTokenizer();
        string text = InvarLock.Data.Synthetic.SyntheticCorpus.Generate(3, 5000);
        int[] first = tokenizer.Encode(text);
        int[] second = tokenizer.Encode(text);
        Assert.Equal(first, second);
        Assert.True(first.Length < Encoding.UTF8.GetByteCount(text) / 2, "a trained tokenizer should compress its own kind of text");
    }

    [Fact]
    public void Encode_ConcurrentCallers_AgreeWithSerialResult()
    {
        var tokenizer = TokenizerTestData.SmallModel.CreateTokenizer();
        string[] texts = [.. Enumerable.Range(0, 16).Select(i => InvarLock.Data.Synthetic.SyntheticCorpus.Generate(100 + i, 3000))];
        int[][] parallel = new int[texts.Length][];
        Parallel.For(0, texts.Length, i => parallel[i] = tokenizer.Encode(texts[i]));
        var fresh = TokenizerTestData.SmallModel.CreateTokenizer();
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(fresh.Encode(texts[i]), parallel[i]);
        }
    }

    [Fact]
    public void Decode_InvalidUtf8Bytes_BecomeReplacementCharacter()
    {
        var tokenizer = HandMade();
        int[] ids = tokenizer.Encode("é"); // two bytes, two ids without merges
        Assert.Equal(2, ids.Length);
        Assert.Equal("\uFFFD", tokenizer.Decode(ids.AsSpan(0, 1)));
    }

    [Fact]
    public void Decode_UnknownId_Throws()
    {
        var tokenizer = HandMade();
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([tokenizer.Info.VocabSize]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Decode([-1]));
    }

    [Fact]
    public void Info_HandMade_DescribesKindSizeEosAndDigest()
    {
        var info = HandMade(("a", "b")).Info;
        Assert.Equal("gpt2-byte-bpe", info.Kind);
        Assert.Equal(258, info.VocabSize);
        Assert.Equal(257, info.EosTokenId);
        Assert.Matches("^[0-9a-f]{64}$", info.Sha256);
    }

    [Fact]
    public void Info_DifferentMergeOrder_DifferentDigest()
    {
        Assert.NotEqual(HandMade(("a", "b"), ("b", "c")).Info.Sha256, HandMade(("b", "c"), ("a", "b")).Info.Sha256);
        Assert.Equal(HandMade(("a", "b"), ("b", "c")).Info.Sha256, HandMade(("a", "b"), ("b", "c")).Info.Sha256);
    }
}
