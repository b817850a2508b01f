using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Security;

public sealed class RemoteCodeGateTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"invarlock-remote-code-{Guid.NewGuid():N}");

    public RemoteCodeGateTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("config.json", """{"model_type":"x","auto_map":{"AutoModel":"modeling_x.XModel"}}""", "auto_map")]
    [InlineData("config.json", """{"model_type":"x","trust_remote_code":true}""", "trust_remote_code")]
    [InlineData("tokenizer_config.json", """{"auto_map":{"AutoTokenizer":["tok.T",null]}}""", "auto_map")]
    public void CheckModelDirectory_CustomCodeWithoutFlag_Refused(string file, string json, string key)
    {
        File.WriteAllText(Path.Combine(_dir, file), json);
        File.WriteAllText(Path.Combine(_dir, "modeling_x.py"), "import os; os.system('echo owned')");

        var e = Assert.Throws<InvarLockException>(() => RemoteCodeGate.CheckModelDirectory(_dir, new Dictionary<string, string?>()));

        Assert.Equal(ErrorCodes.SecurityRefused, e.Code);
        Assert.Contains(key, e.Message);
        Assert.Contains("INVARLOCK_ALLOW_REMOTE_CODE=1", e.Message);
    }

    [Fact]
    public void CheckModelDirectory_CustomCodeWithFlag_ReturnsFindingsToRecord()
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), """{"auto_map":{"AutoModel":"m.M"}}""");

        IReadOnlyList<string> findings = RemoteCodeGate.CheckModelDirectory(_dir,
            new Dictionary<string, string?> { ["INVARLOCK_ALLOW_REMOTE_CODE"] = "1" });

        Assert.Equal($"{Path.Combine(_dir, "config.json")}: auto_map", Assert.Single(findings));
    }

    [Fact]
    public void CheckModelDirectory_PlainConfig_NoFindings()
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), """{"model_type":"gpt2","trust_remote_code":false,"auto_map":null}""");

        Assert.Empty(RemoteCodeGate.CheckModelDirectory(_dir, new Dictionary<string, string?>()));
    }

    [Fact]
    public void CheckModelDirectory_MalformedConfig_MalformedConfigError()
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), "{not json");

        var e = Assert.Throws<InvarLockException>(() => RemoteCodeGate.CheckModelDirectory(_dir, new Dictionary<string, string?>()));

        Assert.Equal(ErrorCodes.MalformedConfig, e.Code);
        Assert.StartsWith(Path.Combine(_dir, "config.json"), e.Message);
    }
}
