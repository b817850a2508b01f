using InvarLock.Models.Tokenizers;

namespace InvarLock.Models.Tests.Tokenizers;

/// <summary>A temporary folder for one test, deleted on dispose, plus helpers that write tokenizer files.</summary>
internal sealed class TokenizerTestFolder : IDisposable
{
    public TokenizerTestFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "invarlock-tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string content)
    {
        string path = File(name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Shared small models and texts for the tokenizer tests.</summary>
internal static class TokenizerTestData
{
    private static readonly Lazy<ByteLevelBpeModel> SmallModelLazy = new(() =>
        ByteLevelBpeTrainer.Train(InvarLock.Data.Synthetic.SyntheticCorpus.Generate(7, 40_000), 400));

    /// <summary>A model trained on 40 KB of synthetic text to 400 ids.</summary>
    public static ByteLevelBpeModel SmallModel => SmallModelLazy.Value;

    /// <summary>Texts covering scripts, emoji, whitespace, contractions, code and punctuation.</summary>
    public static readonly string[] VariedTexts =
    [
        "",
        " ",
        "Hello world",
        "Hello, world! How's it going? I'm fine; they're here, we've been, you'll see, he'd go.",
        "IT'S SHOUTING: DON'T, WE'RE, YOU'LL, I'M, HE'D, SHE'S, THEY'VE",
        "emoji 😀😃 👨‍👩‍👧‍👦 family, flags 🇯🇵🇫🇷🏳️‍🌈, skin tone 👍🏽, keycap 1️⃣",
        "café naïve résumé (NFC) vs cafe\u0301 nai\u0308ve re\u0301sume\u0301 (NFD)",
        "日本語のテキストと中文文本，한국어 텍스트。",
        "العربية עִבְרִית हिन्दी देवनागरी ไทย",
        "𝐀𝐁𝐂 math letters 𝟏𝟐𝟑 math digits 𠀀𠀁 CJK ext B",
        "123 4567 89012345678901234567890 3.14159 -42 1,000,000 ١٢٣ ½ Ⅻ",
        "tabs\tand\t\ttabs   spaces    \n\n\nnewlines \n trailing   ",
        "  leading spaces and trailing spaces  ",
        "\n\n\n",
        "\r\nwindows\r\nline endings\r\n",
        "public static int Add(int a, int b) => a + b; // C#\n    if (x != null) { return x?.Value ?? 0; }",
        "def f(x):\n    return [i ** 2 for i in range(x) if i % 2 == 0]  # python\n",
        "https://example.com/path?q=a+b&lang=en#frag and mailto:someone@example.org",
        "!!! ??? ... --- *** @@@ ### $$$ %%% ^^^ &&& ((( ))) ,,,, ;;; ::: ''' \"\"\" ``` ~~~",
        "'s 't 're 've 'm 'll 'd 'S 'T 'RE 'x ' s'",
        "<|endoftext|> is plain text here",
        "nbsp\u00a0here, ideographic\u3000space, thin\u2009space",
        "control\u0001chars\u0007and\u001fdel\u007f",
    ];
}
