using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using InvarLock.Models.Tokenizers;
using InvarLock.Sdk.Models;
using MlTiktoken = Microsoft.ML.Tokenizers.TiktokenTokenizer;
using MlRegexPreTokenizer = Microsoft.ML.Tokenizers.RegexPreTokenizer;

namespace InvarLock.Benchmarks;

/// <summary>Tokenizer throughput on about 1 MB of real prose (Debian's licence texts): byte-level BPE (Llama 3) and
/// SentencePiece BPE with byte fallback (Mistral-7B) through <see cref="HuggingFaceTokenizer"/>, side by side with
/// Microsoft.ML.Tokenizers' <c>TiktokenTokenizer</c> on the same Llama 3 vocabulary (ML.Tokenizers reads SentencePiece
/// only from a <c>.model</c> protobuf, which the Mistral reference does not ship). The <c>tokenizer.json</c> files are
/// the npm references that tests/tools/install-tokenizer-reference.sh puts in <c>.tools/</c>. Tokens/s = the token
/// count printed by the setup / mean time. Run: <c>--filter *Perf_Tokenize* --job short</c>.</summary>
[MemoryDiagnoser]
public class Perf_Tokenize
{
    private string _text = "";
    private ITokenizer _llama3 = null!;
    private ITokenizer _mistral = null!;
    private MlTiktoken _mlLlama3 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder();
        foreach (string file in Directory.GetFiles("/usr/share/common-licenses").Order(StringComparer.Ordinal))
        {
            if (new FileInfo(file).LinkTarget is null && sb.Length < 1_000_000)
            {
                sb.Append(File.ReadAllText(file)).Append('\n');
            }
        }
        _text = sb.ToString();
        string models = Path.Combine(RepoRoot(), ".tools", "node_modules", "@lenml");
        string llama3 = Path.Combine(models, "tokenizer-llama3", "models");
        _llama3 = TokenizerLoader.Load(llama3);
        _mistral = TokenizerLoader.Load(Path.Combine(models, "tokenizer-llama2", "models"));
        _mlLlama3 = TiktokenFromTokenizerJson(Path.Combine(llama3, "tokenizer.json"));

        int[] ours = _llama3.Encode(_text);
        IReadOnlyList<int> theirs = _mlLlama3.EncodeToIds(_text);
        Console.WriteLine($"// {_text.Length} chars; Llama 3: {ours.Length} tokens (ML.Tokenizers {theirs.Count}, "
            + $"ids {(ours.AsSpan().SequenceEqual([.. theirs]) ? "identical" : "DIFFER")}); Mistral: {_mistral.Encode(_text).Length} tokens");
    }

    [Benchmark(Baseline = true)]
    public int InvarLock_Llama3ByteLevelBpe() => _llama3.Encode(_text).Length;

    [Benchmark]
    public int MlTokenizers_Llama3Tiktoken() => _mlLlama3.EncodeToIds(_text).Count;

    [Benchmark]
    public int InvarLock_MistralSentencePieceBpe() => _mistral.Encode(_text).Length;

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
