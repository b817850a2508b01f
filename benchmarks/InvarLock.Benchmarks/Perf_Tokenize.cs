using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using InvarLock.Models.Tokenizers;
using InvarLock.Sdk.Models;
using MlBert = Microsoft.ML.Tokenizers.BertTokenizer;
using MlBertOptions = Microsoft.ML.Tokenizers.BertOptions;
using MlRegexPreTokenizer = Microsoft.ML.Tokenizers.RegexPreTokenizer;
using MlTiktoken = Microsoft.ML.Tokenizers.TiktokenTokenizer;
using RustTokenizer = Tokenizers.DotNet.Tokenizer;

namespace InvarLock.Benchmarks;

/// <summary>Tokenizer throughput on about 3 MB of real prose (Debian's licence texts, then the gzipped documents of
/// /usr/share/doc in sorted order): byte-level BPE (Llama 3), SentencePiece BPE with byte fallback (Mistral-7B) and
/// WordPiece (a BERT-style <c>tokenizer.json</c> made from Mistral's vocabulary, as the parity tests make it) through
/// <see cref="HuggingFaceTokenizer"/>, side by side with Hugging Face's Rust library (NuGet Tokenizers.DotNet, on the
/// same files) and Microsoft.ML.Tokenizers where it reads the format: <c>TiktokenTokenizer</c> on Llama 3's vocabulary
/// and <c>BertTokenizer</c> on the WordPiece vocabulary (ML.Tokenizers reads SentencePiece only from a <c>.model</c>
/// protobuf, which the Mistral reference does not ship). The setup prints each case's token count and whether its ids
/// are identical to ours. The <c>tokenizer.json</c> files are the npm references that
/// tests/tools/install-tokenizer-reference.sh puts in <c>.tools/</c>. Tokens/s = the token count / mean time. Run:
/// <c>--filter *Perf_Tokenize* --job short</c>.</summary>
[MemoryDiagnoser]
public class Perf_Tokenize
{
    private const int CorpusChars = 3_000_000;

    private string _text = "";
    private ITokenizer _llama3 = null!;
    private ITokenizer _mistral = null!;
    private ITokenizer _wordPiece = null!;
    private MlTiktoken _mlLlama3 = null!;
    private MlBert _mlWordPiece = null!;
    private RustTokenizer _rustLlama3 = null!;
    private RustTokenizer _rustMistral = null!;
    private RustTokenizer _rustWordPiece = null!;
    private string _wordPieceFolder = "";

    [GlobalSetup]
    public void Setup()
    {
        _text = Corpus();
        string models = Path.Combine(RepoRoot(), ".tools", "node_modules", "@lenml");
        string llama3 = Path.Combine(models, "tokenizer-llama3", "models", "tokenizer.json");
        string mistral = Path.Combine(models, "tokenizer-llama2", "models", "tokenizer.json");
        _wordPieceFolder = Path.Combine(Path.GetTempPath(), "invarlock-perf-wordpiece-" + Environment.ProcessId);
        string wordPiece = WriteWordPiece(mistral, _wordPieceFolder);
        _llama3 = HuggingFaceTokenizer.FromTokenizerJson(llama3);
        _mistral = HuggingFaceTokenizer.FromTokenizerJson(mistral);
        _wordPiece = HuggingFaceTokenizer.FromTokenizerJson(wordPiece);
        _mlLlama3 = TiktokenFromTokenizerJson(llama3);
        _mlWordPiece = MlBert.Create(Path.Combine(_wordPieceFolder, "vocab.txt"), new MlBertOptions
        {
            LowerCaseBeforeTokenization = true,
            ApplyBasicTokenization = true,
            IndividuallyTokenizeCjk = true,
            RemoveNonSpacingMarks = true,
        });
        _rustLlama3 = new RustTokenizer(llama3);
        _rustMistral = new RustTokenizer(mistral);
        _rustWordPiece = new RustTokenizer(wordPiece);

        int[] ours = _llama3.Encode(_text);
        Console.WriteLine($"// {_text.Length} chars");
        Report("Llama 3", ours, "ML.Tokenizers Tiktoken", [.. _mlLlama3.EncodeToIds(_text)]);
        Report("Llama 3", ours, "Rust tokenizers", ToInts(_rustLlama3.Encode(_text)));
        Report("Mistral", _mistral.Encode(_text), "Rust tokenizers", ToInts(_rustMistral.Encode(_text)));
        int[] oursWordPiece = _wordPiece.Encode(_text);
        Report("WordPiece", oursWordPiece, "ML.Tokenizers Bert", [.. _mlWordPiece.EncodeToIds(_text)]);
        Report("WordPiece", oursWordPiece, "Rust tokenizers", ToInts(_rustWordPiece.Encode(_text)));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rustLlama3.Dispose();
        _rustMistral.Dispose();
        _rustWordPiece.Dispose();
        if (Directory.Exists(_wordPieceFolder))
        {
            Directory.Delete(_wordPieceFolder, recursive: true);
        }
    }

    [Benchmark(Baseline = true)]
    public int InvarLock_Llama3ByteLevelBpe() => _llama3.Encode(_text).Length;

    [Benchmark]
    public int MlTokenizers_Llama3Tiktoken() => _mlLlama3.EncodeToIds(_text).Count;

    [Benchmark]
    public int Rust_Llama3ByteLevelBpe() => _rustLlama3.Encode(_text).Length;

    [Benchmark]
    public int InvarLock_MistralSentencePieceBpe() => _mistral.Encode(_text).Length;

    [Benchmark]
    public int Rust_MistralSentencePieceBpe() => _rustMistral.Encode(_text).Length;

    [Benchmark]
    public int InvarLock_WordPiece() => _wordPiece.Encode(_text).Length;

    [Benchmark]
    public int MlTokenizers_WordPieceBert() => _mlWordPiece.EncodeToIds(_text).Count;

    [Benchmark]
    public int Rust_WordPiece() => _rustWordPiece.Encode(_text).Length;

    /// <summary>Prints both token counts and whether the ids agree; special tokens the other library puts around the
    /// text (BOS, [CLS] … [SEP]) are left out of the comparison and named.</summary>
    private static void Report(string family, int[] ours, string other, int[] theirs)
    {
        int lead = 0;
        while (theirs.Length - lead > ours.Length && lead < 1 && theirs.Length > 0 && (ours.Length == 0 || theirs[lead] != ours[0]))
        {
            lead++;
        }
        int trail = theirs.Length - lead - ours.Length;
        bool same = trail >= 0 && theirs.AsSpan(lead, Math.Min(ours.Length, theirs.Length - lead)).SequenceEqual(ours);
        string extra = lead + Math.Max(trail, 0) > 0 ? $" (plus {lead} leading and {Math.Max(trail, 0)} trailing special tokens)" : "";
        Console.WriteLine($"// {family}: ours {ours.Length} tokens, {other} {theirs.Length}{extra}: ids {(same ? "identical" : "DIFFER")}");
    }

    private static int[] ToInts(uint[] ids)
    {
        var result = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            result[i] = (int)ids[i];
        }
        return result;
    }

    /// <summary>Debian's licence texts, then the gzipped files of /usr/share/doc, each in ordinal order, up to
    /// <see cref="CorpusChars"/> chars.</summary>
    private static string Corpus()
    {
        var sb = new StringBuilder(CorpusChars + 100_000);
        foreach (string file in Directory.GetFiles("/usr/share/common-licenses").Order(StringComparer.Ordinal))
        {
            if (new FileInfo(file).LinkTarget is null)
            {
                sb.Append(File.ReadAllText(file)).Append('\n');
            }
        }
        foreach (string folder in Directory.GetDirectories("/usr/share/doc").Order(StringComparer.Ordinal))
        {
            foreach (string file in Directory.GetFiles(folder, "*.gz").Order(StringComparer.Ordinal))
            {
                if (sb.Length >= CorpusChars)
                {
                    return sb.ToString(0, CorpusChars);
                }
                using var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
                using var reader = new StreamReader(gzip, Encoding.UTF8);
                sb.Append(reader.ReadToEnd()).Append('\n');
            }
        }
        return sb.ToString(0, Math.Min(sb.Length, CorpusChars));
    }

    /// <summary>A BERT-style WordPiece <c>tokenizer.json</c> (BertNormalizer lower-casing, BertPreTokenizer, ##
    /// continuations) and its <c>vocab.txt</c>, made from Mistral's vocabulary the way the component parity tests make
    /// it: ▁x becomes x, any other piece ##piece; pieces holding whitespace or control chars are left out (a
    /// <c>vocab.txt</c> line cannot hold them, and BertPreTokenizer never gives such a piece).</summary>
    private static string WriteWordPiece(string mistralTokenizerJson, string folder)
    {
        var mistral = JsonNode.Parse(File.ReadAllText(mistralTokenizerJson))!.AsObject();
        var tokens = new List<string> { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };
        var seen = new HashSet<string>(tokens, StringComparer.Ordinal);
        foreach (var (token, _) in mistral["model"]!["vocab"]!.AsObject())
        {
            if (token.StartsWith('<'))
            {
                continue;
            }
            string piece = token.StartsWith('\u2581') ? token[1..] : "##" + token;
            if (piece.Length > 0 && piece != "##" && !HasSpaceOrControl(piece) && seen.Add(piece))
            {
                tokens.Add(piece);
            }
        }
        var vocab = new JsonObject();
        for (int id = 0; id < tokens.Count; id++)
        {
            vocab[tokens[id]] = id;
        }
        var added = new JsonArray();
        for (int id = 0; id < 5; id++)
        {
            added.Add(new JsonObject
            {
                ["id"] = id, ["content"] = tokens[id], ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
                ["normalized"] = false, ["special"] = true,
            });
        }
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["normalizer"] = JsonNode.Parse("""{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true}"""),
            ["pre_tokenizer"] = JsonNode.Parse("""{"type":"BertPreTokenizer"}"""),
            ["post_processor"] = null,
            ["decoder"] = JsonNode.Parse("""{"type":"WordPiece","prefix":"##","cleanup":true}"""),
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["continuing_subword_prefix"] = "##",
                ["max_input_chars_per_word"] = 100, ["vocab"] = vocab,
            },
        };
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), tokens);
        string path = Path.Combine(folder, "tokenizer.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    private static bool HasSpaceOrControl(string piece)
    {
        foreach (char c in piece)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Llama 3's vocabulary as a tiktoken file (base64 of each token's bytes, then its id, which is its merge
    /// rank) and its pre-tokenizer regex, for ML.Tokenizers.</summary>
    private static MlTiktoken TiktokenFromTokenizerJson(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement root = doc.RootElement;
        string pattern = root.GetProperty("pre_tokenizer").GetProperty("pretokenizers")[0].GetProperty("pattern").GetProperty("Regex").GetString()!;
        var byteOf = new Dictionary<char, byte>();
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= 0x21 and <= 0x7E or >= 0xA1 and <= 0xAC or >= 0xAE;
            byteOf[printable ? (char)b : (char)(256 + extra++)] = (byte)b;
        }
        var lines = new StringBuilder();
        foreach (JsonProperty entry in root.GetProperty("model").GetProperty("vocab").EnumerateObject())
        {
            byte[] bytes = entry.Name.Select(c => byteOf[c]).ToArray();
            lines.Append(Convert.ToBase64String(bytes)).Append(' ').Append(entry.Value.GetInt32()).Append('\n');
        }
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(lines.ToString()));
        var preTokenizer = new MlRegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), null);
        return MlTiktoken.Create(stream, preTokenizer, null, null, 8192);
    }

    private static string RepoRoot()
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
}
