using InvarLock.Models.Gpt2;
using InvarLock.Models.HuggingFace;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tests.HuggingFace;

public sealed class HfConfigTests : IDisposable
{
    private readonly TempFolder _temp = new("hf-config");

    public void Dispose() => _temp.Dispose();

    private const string Gpt2Base =
        "\"model_type\":\"gpt2\",\"n_layer\":3,\"n_head\":4,\"n_embd\":32,\"vocab_size\":300";

    private string Folder(string json)
    {
        string folder = _temp.Combine(Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), json);
        return folder;
    }

    [Fact]
    public void ToGpt2Config_FullConfig_ReadsEveryField()
    {
        string folder = Folder("{" + Gpt2Base + ",\"n_positions\":128,\"n_ctx\":64,\"layer_norm_epsilon\":1e-6," +
                               "\"activation_function\":\"gelu\",\"tie_word_embeddings\":false,\"n_inner\":96," +
                               "\"architectures\":[\"GPT2LMHeadModel\"]}");
        HfConfig config = HfConfig.Read(folder);
        Gpt2Config gpt2 = config.ToGpt2Config();

        Assert.Equal(new Gpt2Config(3, 4, 32, 128, 300, 1e-6, "gelu", false, 96), gpt2);
        Assert.Equal(["GPT2LMHeadModel"], config.Architectures);
        Assert.Equal(Path.Combine(folder, "config.json"), config.Path);
        Assert.Null(config.RemoteCodeReason);
    }

    [Fact]
    public void ToGpt2Config_MinimalConfig_UsesDefaultsAndNCtx()
    {
        Gpt2Config gpt2 = HfConfig.Read(Folder("{" + Gpt2Base + ",\"n_ctx\":64,\"n_inner\":null}")).ToGpt2Config();
        Assert.Equal(64, gpt2.NPositions);
        Assert.Equal(1e-5, gpt2.LayerNormEpsilon);
        Assert.Equal("gelu_new", gpt2.ActivationFunction);
        Assert.True(gpt2.TieWordEmbeddings);
        Assert.Null(gpt2.NInner);
        Assert.Equal(128, gpt2.InnerSize);
    }

    [Theory]
    [InlineData(",\"n_positions\":64,\"n_layer\":0", "n_layer is 0")]
    [InlineData(",\"n_positions\":64,\"n_head\":5", "not a multiple of n_head 5")]
    [InlineData(",\"n_positions\":-1", "n_positions is -1")]
    [InlineData("", "neither n_positions nor n_ctx")]
    [InlineData(",\"n_positions\":64,\"n_embd\":32.5", "n_embd is '32.5', not an integer")]
    [InlineData(",\"n_positions\":64,\"vocab_size\":\"300\"", "vocab_size is '\"300\"', not an integer")]
    [InlineData(",\"n_positions\":64,\"layer_norm_epsilon\":0", "layer_norm_epsilon 0 is not a positive number")]
    [InlineData(",\"n_positions\":64,\"tie_word_embeddings\":1", "tie_word_embeddings is '1', not true or false")]
    [InlineData(",\"n_positions\":64,\"n_inner\":0", "n_inner is 0")]
    public void ToGpt2Config_InvalidField_ThrowsMalformedConfig(string extra, string fragment)
    {
        string json = "{" + string.Join(",", MergeFields(Gpt2Base + extra)) + "}";
        HfConfig config = HfConfig.Read(Folder(json));
        var e = Assert.Throws<InvarLockException>(() => config.ToGpt2Config());
        Assert.Equal(ErrorCodes.MalformedConfig, e.Code);
        Assert.StartsWith(config.Path + ": ", e.Message);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void ToGpt2Config_MissingRequiredField_ThrowsMalformedConfig()
    {
        HfConfig config = HfConfig.Read(Folder("{\"model_type\":\"gpt2\",\"n_head\":4,\"n_embd\":32,\"vocab_size\":300,\"n_positions\":8}"));
        var e = Assert.Throws<InvarLockException>(() => config.ToGpt2Config());
        Assert.Equal(ErrorCodes.MalformedConfig, e.Code);
        Assert.Contains("has no n_layer", e.Message);
    }

    [Fact]
    public void ToGpt2Config_OtherModelType_ThrowsUnsupportedModelNamingTheType()
    {
        HfConfig config = HfConfig.Read(Folder("{\"model_type\":\"llama\",\"hidden_size\":64}"));
        var e = Assert.Throws<InvarLockException>(() => config.ToGpt2Config());
        Assert.Equal(ErrorCodes.UnsupportedModel, e.Code);
        Assert.Contains("'llama'", e.Message);
    }

    [Theory]
    [InlineData("scale_attn_by_inverse_layer_idx", "true")]
    [InlineData("scale_attn_weights", "false")]
    [InlineData("add_cross_attention", "true")]
    public void ToGpt2Config_UnsupportedVariant_ThrowsUnsupportedModel(string field, string value)
    {
        HfConfig config = HfConfig.Read(Folder("{" + Gpt2Base + ",\"n_positions\":8,\"" + field + "\":" + value + "}"));
        var e = Assert.Throws<InvarLockException>(() => config.ToGpt2Config());
        Assert.Equal(ErrorCodes.UnsupportedModel, e.Code);
        Assert.Contains(field, e.Message);
    }

    [Theory]
    [InlineData("{\"model_type\":\"gpt2\",", "not valid JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"n_layer\":2}", "has no model_type")]
    [InlineData("{\"model_type\":7}", "has no model_type")]
    [InlineData("", "not valid JSON")]
    public void Read_MalformedJson_ThrowsMalformedConfigNamingTheFile(string json, string fragment)
    {
        string folder = Folder(json);
        var e = Assert.Throws<InvarLockException>(() => HfConfig.Read(folder));
        Assert.Equal(ErrorCodes.MalformedConfig, e.Code);
        Assert.StartsWith(Path.Combine(folder, "config.json") + ": ", e.Message);
        Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Read_MissingConfigOrFolder_ThrowsMissingFile()
    {
        string folder = _temp.Combine("no-config");
        Directory.CreateDirectory(folder);
        var e = Assert.Throws<InvarLockException>(() => HfConfig.Read(folder));
        Assert.Equal(ErrorCodes.MissingFile, e.Code);
        Assert.Contains(Path.Combine(folder, "config.json"), e.Message);
        Assert.Equal(ErrorCodes.MissingFile, Assert.Throws<InvarLockException>(() => HfConfig.Read(_temp.Combine("absent"))).Code);
    }

    [Theory]
    [InlineData(",\"auto_map\":{\"AutoModel\":\"modeling_x.XModel\"}", "auto_map")]
    [InlineData(",\"trust_remote_code\":true", "trust_remote_code: true")]
    [InlineData(",\"trust_remote_code\":\"yes\"", "trust_remote_code: true")]
    public void EnsureNoRemoteCode_ConfigAsksForCode_IsRefusedUnlessAllowed(string extra, string reason)
    {
        HfConfig config = HfConfig.Read(Folder("{" + Gpt2Base + ",\"n_positions\":8" + extra + "}"));
        Assert.Equal(reason, config.RemoteCodeReason);

        var e = Assert.Throws<InvarLockException>(() => config.EnsureNoRemoteCode(allowRemoteCodeConfig: false));
        Assert.Equal(ErrorCodes.SecurityRefused, e.Code);
        Assert.StartsWith(config.Path + ": ", e.Message);
        Assert.Contains("asks for custom code; refused", e.Message);
        Assert.Contains(RemoteCodePolicy.EnvironmentVariable + "=1", e.Message);

        config.EnsureNoRemoteCode(allowRemoteCodeConfig: true);
        Assert.Equal(3, config.ToGpt2Config().NLayer);
    }

    [Theory]
    [InlineData(",\"trust_remote_code\":false")]
    [InlineData(",\"auto_map\":null")]
    public void EnsureNoRemoteCode_ExplicitlyOff_IsAccepted(string extra)
    {
        HfConfig config = HfConfig.Read(Folder("{" + Gpt2Base + ",\"n_positions\":8" + extra + "}"));
        Assert.Null(config.RemoteCodeReason);
        config.EnsureNoRemoteCode(allowRemoteCodeConfig: false);
    }

    /// <summary>Later fields replace earlier ones with the same name, so each case stays a valid, unique-key object.</summary>
    private static IEnumerable<string> MergeFields(string fields)
    {
        var byName = new Dictionary<string, string>();
        var order = new List<string>();
        foreach (string field in fields.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = field[..field.IndexOf(':')];
            if (!byName.ContainsKey(name))
            {
                order.Add(name);
            }
            byName[name] = field;
        }
        return order.Select(n => byName[n]);
    }
}
