using InvarLock.Models.HuggingFace;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tests.HuggingFace;

/// <summary>Regression tests for the fuzzing findings in config.json reading (docs/security/fuzzing.md).</summary>
public sealed class HfConfigFuzzFindingsTests : IDisposable
{
    // {"model_type":"gpt2","architectures":["GPT2<invalid byte pair>"]}: valid JSON structure, invalid UTF-8 in a string.
    private static readonly byte[] InvalidUtf8Config =
        [.. "{\"model_type\":\"gpt2\",\"architectures\":[\"GPT2"u8, 0xC3, 0x28, .. "\"]}"u8];

    private readonly TempFolder _temp = new("hf-config-fuzz");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Read_InvalidUtf8InString_MalformedConfigNamingTheFile()
    {
        // Found by afl-fuzz: GetString on the architectures entry threw InvalidOperationException (a stack trace).
        string folder = Directory.CreateDirectory(_temp.Combine("config")).FullName;
        string path = Path.Combine(folder, HfConfig.FileName);
        File.WriteAllBytes(path, InvalidUtf8Config);

        var error = Assert.Throws<InvarLockException>(() => HfConfig.Read(folder));

        Assert.Equal(ErrorCodes.MalformedConfig, error.Code);
        Assert.Equal($"{path}: not valid UTF-8", error.Message);
    }

    [Fact]
    public void Describe_InvalidUtf8Config_UnsupportedWithTheReason()
    {
        string folder = Directory.CreateDirectory(_temp.Combine("describe")).FullName;
        File.WriteAllBytes(Path.Combine(folder, HfConfig.FileName), InvalidUtf8Config);

        var probe = new HfCausalAdapter().Describe(folder);

        Assert.False(probe.CanLoad);
        Assert.EndsWith("not valid UTF-8", probe.Reason);
    }

    [Fact]
    public void FindInFolder_OtherConfigWithInvalidUtf8_MalformedConfigNamingThatFile()
    {
        // The remote-code scan reads every *config.json the same way.
        string folder = Directory.CreateDirectory(_temp.Combine("scan")).FullName;
        File.WriteAllText(Path.Combine(folder, HfConfig.FileName), "{\"model_type\":\"gpt2\"}");
        string other = Path.Combine(folder, "generation_config.json");
        File.WriteAllBytes(other, [.. "{\"auto_map\":\"x"u8, 0xFF, .. "\"}"u8]);

        var error = Assert.Throws<InvarLockException>(() => RemoteCodePolicy.FindInFolder(folder));

        Assert.Equal(ErrorCodes.MalformedConfig, error.Code);
        Assert.Equal($"{other}: not valid UTF-8", error.Message);
    }
}
