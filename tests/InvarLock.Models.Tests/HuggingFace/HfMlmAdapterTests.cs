using System.Text.Json.Nodes;
using InvarLock.Models.Generation;
using InvarLock.Models.HuggingFace;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Tests.HuggingFace;

public sealed class HfMlmAdapterTests : IDisposable
{
    private readonly TempFolder _temp = new("hf-mlm-adapter");
    private readonly HfMlmAdapter _adapter = new();

    public void Dispose() => _temp.Dispose();

    private string Bert(string name = "bert", TinyEncoderOptions? options = null)
    {
        string folder = _temp.Combine(name);
        TinyEncoderGenerator.Generate(folder, options ?? TinyEncoderGenerator.Demo);
        return folder;
    }

    private InvarLockException LoadFails(string folder) =>
        Assert.Throws<InvarLockException>(() => _adapter.Load(folder, new ModelLoadOptions { Threads = 1 }));

    [Fact]
    public void Describe_BertAndRoberta_SupportedGpt2Not()
    {
        string roberta = Bert("roberta", TinyEncoderGenerator.Demo with { Family = TinyEncoderFamily.Roberta });
        string gpt2 = CheckpointFactory.CreateTiny(_temp.Path);

        Assert.True(_adapter.Describe(Bert()).CanLoad);
        Assert.True(_adapter.Describe(roberta).CanLoad);
        ModelProbe probe = _adapter.Describe(gpt2);
        Assert.False(probe.CanLoad);
        Assert.Contains("model_type 'gpt2' is not supported by hf_mlm", probe.Reason);
        Assert.False(new HfCausalAdapter().Describe(roberta).CanLoad);
    }

    [Theory]
    [InlineData(TinyEncoderFamily.Bert, "[MASK]", "[CLS]", 0)]
    [InlineData(TinyEncoderFamily.Roberta, "<mask>", "<s>", 2)]
    public void Load_GeneratedFolder_MlmObjectiveEncoderRolesAndMaskToken(TinyEncoderFamily family, string mask, string cls, int offset)
    {
        string folder = Bert(family.ToString(), TinyEncoderGenerator.Demo with { Family = family });

        using IModel model = _adapter.Load(folder, new ModelLoadOptions { Threads = 1 });

        Assert.Equal("mlm", model.Description.Objective);
        Assert.True(model.Description.TiedEmbeddings);
        Assert.Equal(TinyEncoderGenerator.Demo.Positions, model.Description.MaxPositions);
        Assert.Equal(offset, ((InvarLock.Models.Encoder.EncoderModel)model).Config.PositionOffset);
        var tokenizer = (InvarLock.Models.Tokenizers.HuggingFaceTokenizer)model.Tokenizer;
        Assert.Equal(mask, tokenizer.TokenOf(model.Tokenizer.Info.MaskTokenId!.Value));
        Assert.Equal(cls, tokenizer.TokenOf(model.Tokenizer.Info.BosTokenId!.Value));
        Assert.True(model.Tokenizer.Info.AddBosToken);
        Assert.Equal(2 + 8 * 2 + 1, model.Modules.Count);
        Assert.Equal(2, model.Modules.Count(m => m.Role == ModuleRole.Query));
        Assert.Equal(ModuleRole.FinalNorm, model.Modules[^1].Role);
        Assert.All(model.Modules, m => Assert.True(model.Parameters.TryGet(m.WeightName, out _), m.WeightName));
    }

    [Fact]
    public void Load_PretrainingCheckpointWithPoolerAndNsp_DropsThem()
    {
        string folder = Bert();
        List<SafetensorsTensor> tensors = HfFolderEditor.ReadTensors(folder);
        tensors.Add(new SafetensorsTensor("bert.pooler.dense.weight", [64, 64], new float[64 * 64]));
        tensors.Add(new SafetensorsTensor("cls.seq_relationship.bias", [2], new float[2]));
        HfFolderEditor.WriteTensors(folder, tensors);

        using IModel model = _adapter.Load(folder, new ModelLoadOptions { Threads = 1 });

        Assert.False(model.Parameters.TryGet("bert.pooler.dense.weight", out _));
    }

    [Theory]
    [InlineData("hidden_act", "relu")]
    [InlineData("position_embedding_type", "relative_key")]
    public void Load_UnsupportedVariant_ExitTwoNamingTheKey(string key, string value)
    {
        string folder = Bert();
        HfFolderEditor.EditConfig(folder, c => c[key] = value);

        InvarLockException e = LoadFails(folder);

        Assert.Equal(ErrorCodes.UnsupportedModel, e.Code);
        Assert.Equal(2, e.Code.ExitCode);
        Assert.Contains($"{key} '{value}' is not supported", e.Message);
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void Load_MissingTensor_ShapeMismatchNamingIt()
    {
        string folder = Bert();
        HfFolderEditor.WriteTensors(folder, HfFolderEditor.ReadTensors(folder).Where(t => t.Name != "cls.predictions.bias").ToList());

        InvarLockException e = LoadFails(folder);

        Assert.Equal(ErrorCodes.ShapeMismatch, e.Code);
        Assert.Contains("'cls.predictions.bias'", e.Message);
    }

    [Fact]
    public void Load_TokenizerWithoutMaskToken_MalformedTokenizer()
    {
        string folder = Bert();
        string path = Path.Combine(folder, "tokenizer.json");
        JsonObject root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        root["added_tokens"] = new JsonArray(root["added_tokens"]!.AsArray().Where(t => t!["content"]!.GetValue<string>() != "[MASK]")
            .Select(t => t!.DeepClone()).ToArray());
        root["model"]!["vocab"]!.AsObject().Remove("[MASK]");
        File.WriteAllText(path, root.ToJsonString());

        InvarLockException e = LoadFails(folder);

        Assert.Equal(ErrorCodes.MalformedTokenizer, e.Code);
        Assert.Contains("no mask token", e.Message);
    }

    [Fact]
    public void Forward_WindowLongerThanPositions_UsageErrorNamingTheLimit()
    {
        using IModel model = _adapter.Load(Bert(), new ModelLoadOptions { Threads = 1 });

        var e = Assert.Throws<InvarLockException>(() => model.Forward([new int[TinyEncoderGenerator.Demo.Positions + 1]], null));

        Assert.Equal(ErrorCodes.Usage, e.Code);
        Assert.Contains("at most 128", e.Message);
    }
}
