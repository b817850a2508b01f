using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;
using InvarLock.Models.Tokenizers;
using InvarLock.Models.Tokenizers.Normalizers;
using InvarLock.Models.Tokenizers.Text;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tests.Tokenizers;

public sealed class PrecompiledNormalizerTests
{
    /// <summary>A hand-built darts-clone charsmap with one key, <c>a</c>, whose value is <paramref name="value"/> in the
    /// string table <paramref name="blob"/>: root offset 1, <c>a</c>'s unit at 1 ^ 0x61 with a leaf at the next unit,
    /// padded to 256 units as darts-clone allocates them.</summary>
    private static byte[] OneKeyCharsmap(uint value, byte[] blob, int units = 256)
    {
        var trie = new uint[units];
        trie[0] = 1u << 10;
        trie[1 ^ 0x61] = 0x61u | (1u << 8) | (1u << 10);
        trie[(1 ^ 0x61) ^ 1] = (1u << 31) | value;
        var bytes = new byte[4 + 4 * units + blob.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)(4 * units));
        for (int i = 0; i < units; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 + 4 * i), trie[i]);
        }
        blob.CopyTo(bytes, 4 + 4 * units);
        return bytes;
    }

    private static PrecompiledNormalizer AToUpper() => PrecompiledNormalizer.FromCharsmap(OneKeyCharsmap(0, "A\0"u8.ToArray()));

    private static NormalizedText Normalize(INormalizer normalizer, string text)
    {
        var normalized = NormalizedText.FromOriginal(text, 0);
        normalizer.Normalize(normalized);
        return normalized;
    }

    private static PrecompiledNormalizer Rule(string rule)
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(HuggingFaceReference.ReferenceFolder(), rule + ".charsmap.gz")), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return PrecompiledNormalizer.FromCharsmap(bytes.ToArray());
    }

    [Fact]
    public void Normalize_KeyEveryScalar_ReplacedAndAlignedToIt()
    {
        var text = Normalize(AToUpper(), "banana");
        Assert.Equal("bAnAnA", text.Text);
        Assert.Equal([0, 1, 2, 3, 4, 5], text.Starts);
        Assert.Equal([1, 2, 3, 4, 5, 6], text.Ends);
    }

    [Fact]
    public void Normalize_KeyPrefixOfClusterUnderSixBytes_WholeClusterReplaced()
    {
        // Hugging Face's rule (checked with its Rust library): "a" + U+0301 is one 3-byte cluster, and the key "a"
        // is a prefix of it, so the whole cluster becomes "A" — the accent is dropped.
        var text = Normalize(AToUpper(), "ba\u0301b");
        Assert.Equal("bAb", text.Text);
        Assert.Equal([0, 1, 3], text.Starts);
        Assert.Equal([1, 3, 4], text.Ends);
        Assert.Equal("A", Normalize(AToUpper(), "a\u0301\u0301").Text);
    }

    [Fact]
    public void Normalize_ClusterOfSixBytesOrMore_EachScalarLookedUpAlone()
    {
        Assert.Equal("A\u0301\u0301\u0301", Normalize(AToUpper(), "a\u0301\u0301\u0301").Text);
    }

    [Fact]
    public void Normalize_NoKeyMatches_TextAndAlignmentUnchanged()
    {
        var text = Normalize(AToUpper(), "xyz é 日本");
        Assert.Equal("xyz é 日本", text.Text);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], text.Ends);
    }

    [Fact]
    public void Normalize_NmtNfkcTable_CompatibilityFormsBecomeTheirNfkcAlignedToTheirSource()
    {
        var text = Normalize(Rule("nmt_nfkc"), "ﬁ①Ｈｉ");
        Assert.Equal("fi1Hi", text.Text);
        Assert.Equal([0, 0, 1, 2, 3], text.Starts);
        Assert.Equal([1, 1, 2, 3, 4], text.Ends);
    }

    [Fact]
    public void FromCharsmap_ValueOutsideStringTable_InvalidDataNamingTheByte()
    {
        var error = Assert.Throws<InvalidDataException>(() => PrecompiledNormalizer.FromCharsmap(OneKeyCharsmap(9, "A\0"u8.ToArray())));
        Assert.Contains("byte 9", error.Message);
    }

    [Fact]
    public void FromCharsmap_StringTableNotUtf8_InvalidData()
    {
        var error = Assert.Throws<InvalidDataException>(() => PrecompiledNormalizer.FromCharsmap(OneKeyCharsmap(0, [0xC3, 0x28, 0])));
        Assert.Contains("UTF-8", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2 })]
    [InlineData(new byte[] { 0, 0, 0, 0 })]
    [InlineData(new byte[] { 8, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 6, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    public void FromCharsmap_TrieSizeImpossible_InvalidData(byte[] charsmap)
    {
        Assert.Throws<InvalidDataException>(() => PrecompiledNormalizer.FromCharsmap(charsmap));
    }

    [Fact]
    public void FromCharsmap_LookupsWalkOffTheTrie_NoReplacementInsteadOfACrash()
    {
        // only 98 units: "b" leads to unit 99 (Hugging Face's Rust library panics there); here it is just no key
        var normalizer = PrecompiledNormalizer.FromCharsmap(OneKeyCharsmap(0, "A\0"u8.ToArray(), units: 98));
        Assert.Equal("bAc", Normalize(normalizer, "bac").Text);
    }

    [Theory]
    [InlineData("\"not base64!\"", "is not base64")]
    [InlineData("\"AQID\"", "too short")]
    [InlineData("42", "is not a string")]
    public void Load_PrecompiledCharsmapBad_MalformedTokenizerNamingTheField(string charsmap, string problem)
    {
        using var folder = new TokenizerTestFolder();
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(HuggingFaceReference.ReferenceFolder(), "unigram-spm.tokenizer.json")))!.AsObject();
        root["normalizer"] = JsonNode.Parse($$"""{"type":"Sequence","normalizers":[{"type":"Precompiled","precompiled_charsmap":{{charsmap}}}]}""");
        string path = folder.Write("tokenizer.json", root.ToJsonString());
        var error = Assert.Throws<InvarLockException>(() => TokenizerLoader.LoadDetailed(folder.Path));
        Assert.Equal(ErrorCodes.MalformedTokenizer, error.Code);
        Assert.StartsWith(path + ": normalizer.normalizers[0].precompiled_charsmap", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Load_PrecompiledCharsmapEmptyOrNull_NoNormalization()
    {
        foreach (string charsmap in new[] { "\"\"", "null" })
        {
            using var folder = new TokenizerTestFolder();
            var root = JsonNode.Parse(File.ReadAllText(Path.Combine(HuggingFaceReference.ReferenceFolder(), "unigram-spm.tokenizer.json")))!.AsObject();
            var plain = TokenizerLoader.LoadDetailed(WriteTo(folder, "plain", root));
            root["normalizer"] = JsonNode.Parse($$"""{"type":"Sequence","normalizers":[{"type":"Precompiled","precompiled_charsmap":{{charsmap}}},{"type":"Prepend","prepend":"▁"},{"type":"Replace","pattern":{"String":" "},"content":"▁"}]}""");
            var precompiled = TokenizerLoader.LoadDetailed(WriteTo(folder, "precompiled", root));
            Assert.Equal(plain.Encode("ﬁ Hello ①"), precompiled.Encode("ﬁ Hello ①"));
        }
    }

    private static string WriteTo(TokenizerTestFolder folder, string name, JsonObject root)
    {
        string dir = folder.File(name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), root.ToJsonString());
        return dir;
    }
}
