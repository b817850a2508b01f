using System.Text.Json.Nodes;
using InvarLock.Core.Security;

namespace InvarLock.Core.Tests.Security;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("HF_TOKEN")]
    [InlineData("HUGGING_FACE_HUB_TOKEN")]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("db_password")]
    [InlineData("Authorization")]
    [InlineData("private_key_path")]
    public void IsSecretKey_SecretLookingKey_True(string key) => Assert.True(SecretRedactor.IsSecretKey(key));

    [Theory]
    [InlineData("INVARLOCK_ALLOW_NETWORK")]
    [InlineData("seq_len")]
    [InlineData("model_id")]
    public void IsSecretKey_OrdinaryKey_False(string key) => Assert.False(SecretRedactor.IsSecretKey(key));

    [Theory]
    [InlineData("hf_abcdefghijklmnopqrstuvwxyz123456")]
    [InlineData("ghp_abcdefghijklmnopqrstuvwxyz123456")]
    [InlineData("sk-abcdefghijklmnopqrstuvwxyz")]
    [InlineData("AKIAABCDEFGHIJKLMNOP")]
    [InlineData("https://user:hunter2@example.com/repo")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----")]
    public void Redact_TokenLookingValueUnderOrdinaryKey_Redacted(string value) =>
        Assert.Equal(SecretRedactor.Placeholder, SecretRedactor.Redact("note", value));

    [Fact]
    public void RedactAll_Environment_RedactsSecretsKeepsFlags()
    {
        var env = new Dictionary<string, string?> { ["HF_TOKEN"] = "abc", ["INVARLOCK_ALLOW_NETWORK"] = "1" };

        IReadOnlyDictionary<string, string?> redacted = SecretRedactor.RedactAll(env);

        Assert.Equal(SecretRedactor.Placeholder, redacted["HF_TOKEN"]);
        Assert.Equal("1", redacted["INVARLOCK_ALLOW_NETWORK"]);
    }

    [Fact]
    public void RedactInPlace_NestedConfig_RedactsEverySecretAndNothingElse()
    {
        JsonNode node = JsonNode.Parse("""
            {"model": {"id": "gpt2", "hub_token": "xyz", "n": 3},
             "auth": {"user": "a"},
             "list": ["plain", "hf_abcdefghijklmnopqrstuvwxyz123456"],
             "api_key": 12345}
            """)!;

        int count = SecretRedactor.RedactInPlace(node);

        Assert.Equal(3, count);
        Assert.Equal("gpt2", (string?)node["model"]!["id"]);
        Assert.Equal(SecretRedactor.Placeholder, (string?)node["model"]!["hub_token"]);
        Assert.Equal(3, (int)node["model"]!["n"]!);
        Assert.Equal("a", (string?)node["auth"]!["user"]);
        Assert.Equal(SecretRedactor.Placeholder, (string?)node["list"]![1]);
        Assert.Equal(SecretRedactor.Placeholder, (string?)node["api_key"]);
        Assert.DoesNotContain("xyz", node.ToJsonString());
    }
}
