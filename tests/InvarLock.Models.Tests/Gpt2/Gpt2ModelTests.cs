using InvarLock.Metrics;
using InvarLock.Models.Decoder;
using InvarLock.Models.Gpt2;
using InvarLock.Models.HuggingFace;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Tests.Gpt2;

public class Gpt2ModelTests
{
    [Fact]
    public void ComputeLogits_LaterTokenChanged_EarlierLogitsUnchanged()
    {
        using DecoderModel model = Gpt2TestModels.Create(Gpt2TestModels.Small());
        int vocab = model.Config.Vocab;
        int[] tokens = Gpt2TestModels.Tokens(70, vocab, seed: 1);
        int[] changed = (int[])tokens.Clone();
        const int position = 40;
        changed[position] = (changed[position] + 1) % vocab;
        float[] a = model.ComputeLogits(tokens);
        float[] b = model.ComputeLogits(changed);
        // Causal attention: rows before the change are bit-identical, the changed row differs.
        Assert.Equal(a.AsSpan(0, position * vocab).ToArray(), b.AsSpan(0, position * vocab).ToArray());
        Assert.NotEqual(a.AsSpan(position * vocab, vocab).ToArray(), b.AsSpan(position * vocab, vocab).ToArray());
    }

    [Fact]
    public void Evaluate_LossEqualsLogSoftmaxOfFullLogits()
    {
        // Vocabulary over one head chunk: the chunked online log-sum-exp must equal the direct one.
        Gpt2Config config = Gpt2TestModels.Small(vocab: DecoderForward.VocabChunk * 2 + 5);
        using DecoderModel model = Gpt2TestModels.Create(config);
        int[] tokens = Gpt2TestModels.Tokens(33, config.VocabSize, seed: 3);
        float[] logits = model.ComputeLogits(tokens);
        double expected = 0;
        for (int t = 0; t + 1 < tokens.Length; t++)
        {
            ReadOnlySpan<float> row = logits.AsSpan(t * config.VocabSize, config.VocabSize);
            double max = double.NegativeInfinity, sum = 0;
            foreach (float v in row)
            {
                max = Math.Max(max, v);
            }
            foreach (float v in row)
            {
                sum += Math.Exp(v - max);
            }
            expected += max + Math.Log(sum) - row[tokens[t + 1]];
        }
        WindowLoss loss = model.CausalLosses([tokens])[0];
        Assert.Equal(32, loss.TokenCount);
        // Float32 exponentials in the model vs double here: ~1e-7 relative per token.
        Assert.Equal(expected, loss.LossSum, 1e-6 * expected);
    }

    [Fact]
    public void Evaluate_OneVersusManyThreads_BitIdentical()
    {
        Gpt2Config config = Gpt2TestModels.Small();
        int[][] windows = [Gpt2TestModels.Tokens(80, config.VocabSize, 5), Gpt2TestModels.Tokens(23, config.VocabSize, 6)];
        ReadOnlyMemory<int>[] batch = windows.Select(w => (ReadOnlyMemory<int>)w).ToArray();
        using DecoderModel single = Gpt2TestModels.Create(config, threads: 1);
        using DecoderModel multi = Gpt2TestModels.Create(config, threads: 3);
        Assert.Equal(single.CausalLosses(batch), multi.CausalLosses(batch));
        Assert.Equal(single.ComputeLogits(windows[0]), multi.ComputeLogits(windows[0]));
    }

    [Fact]
    public void Evaluate_RepeatedAndInterleavedLengths_GivesSameResults()
    {
        using DecoderModel model = Gpt2TestModels.Create(Gpt2TestModels.Small());
        int[] shortWindow = Gpt2TestModels.Tokens(10, 401, 1);
        int[] longWindow = Gpt2TestModels.Tokens(75, 401, 2);
        WindowLoss first = model.CausalLosses([shortWindow])[0];
        IReadOnlyList<WindowLoss> both = model.CausalLosses([longWindow, shortWindow]);
        Assert.Equal(first, both[1]);
        Assert.Equal(both[0], model.CausalLosses([longWindow])[0]);
    }

    [Fact]
    public void Evaluate_EmptyAndSingleTokenWindows_HaveNoPredictions()
    {
        using DecoderModel model = Gpt2TestModels.Create(Gpt2TestModels.Small());
        IReadOnlyList<WindowLoss> losses = model.CausalLosses([Array.Empty<int>(), new[] { 3 }]);
        Assert.Equal(new WindowLoss(0, 0), losses[0]);
        Assert.Equal(new WindowLoss(0, 0), losses[1]);
    }

    [Fact]
    public void Evaluate_WindowLongerThanPositions_ThrowsUsage()
    {
        using DecoderModel model = Gpt2TestModels.Create(Gpt2TestModels.Small());
        var ex = Assert.Throws<InvarLockException>(() => model.CausalLosses([new int[model.Config.MaxPositions + 1]]));
        Assert.Equal(ErrorCodes.Usage, ex.Code);
        Assert.Contains("n_positions", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(401)]
    public void Evaluate_TokenOutsideVocabulary_ThrowsUsage(int id)
    {
        using DecoderModel model = Gpt2TestModels.Create(Gpt2TestModels.Small());
        var ex = Assert.Throws<InvarLockException>(() => model.CausalLosses([new[] { 1, id, 2 }]));
        Assert.Equal(ErrorCodes.Usage, ex.Code);
    }

    [Fact]
    public void Evaluate_CancelledToken_Throws()
    {
        using DecoderModel model = Gpt2TestModels.Create(Gpt2TestModels.Small());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => model.CausalLosses([new[] { 1, 2 }], cancellationToken: cts.Token));
    }

    [Fact]
    public void Evaluate_WithTap_DeliversEveryRequestedModuleWithItsShape()
    {
        Gpt2Config config = Gpt2TestModels.Small();
        using DecoderModel model = Gpt2TestModels.Create(config);
        var tap = new RecordingTap(model.Modules.Select(m => m.Name));
        int[][] windows = [Gpt2TestModels.Tokens(12, config.VocabSize, 1), Gpt2TestModels.Tokens(7, config.VocabSize, 2)];
        model.CausalLosses(windows.Select(w => (ReadOnlyMemory<int>)w).ToArray(), tap);
        Assert.Equal(2 * model.Modules.Count, tap.Calls.Count);
        int call = 0;
        for (int w = 0; w < windows.Length; w++)
        {
            foreach (ModuleInfo module in model.Modules)
            {
                var (name, window, tokens, width, _) = tap.Calls[call++];
                Assert.Equal(module.Name, name);
                Assert.Equal(w, window);
                Assert.Equal(windows[w].Length, tokens);
                Assert.Equal(module.OutputWidth, width);
            }
        }
    }

    [Fact]
    public void Evaluate_WithTap_ActivationsMatchIndependentComputation()
    {
        Gpt2Config config = Gpt2TestModels.Small();
        TensorStore weights = Gpt2TestModels.RandomWeights(config, 42);
        using var model = Gpt2TestModels.Build(config, weights, new Gpt2TestModels.IdTokenizer(config.VocabSize));
        var tap = new RecordingTap(["transformer.wte", "transformer.wpe", "transformer.h.0.ln_1", "transformer.h.0.attn.c_attn"]);
        int[] tokens = [5, 9, 400];
        model.CausalLosses([tokens], tap);
        int d = config.NEmbd;
        float[] wte = weights.GetArray("transformer.wte.weight");
        Assert.Equal(wte.AsSpan(9 * d, d).ToArray(), tap.Calls[0].Values.AsSpan(d, d).ToArray());
        Assert.Equal(weights.GetArray("transformer.wpe.weight").AsSpan(0, 3 * d).ToArray(), tap.Calls[1].Values);
        // c_attn output = ln_1 output · W + b (row 2, column 7).
        float[] h = tap.Calls[2].Values;
        float[] w = weights.GetArray("transformer.h.0.attn.c_attn.weight");
        double expected = weights.GetArray("transformer.h.0.attn.c_attn.bias")[7];
        for (int i = 0; i < d; i++)
        {
            expected += (double)h[2 * d + i] * w[i * 3 * d + 7];
        }
        Assert.Equal(expected, tap.Calls[3].Values[2 * 3 * d + 7], 1e-5);
    }

    [Fact]
    public void Evaluate_WithTap_DoesNotChangeLoss()
    {
        Gpt2Config config = Gpt2TestModels.Small();
        using DecoderModel model = Gpt2TestModels.Create(config);
        int[] tokens = Gpt2TestModels.Tokens(30, config.VocabSize, 9);
        WindowLoss plain = model.CausalLosses([tokens])[0];
        WindowLoss tapped = model.CausalLosses([tokens], new RecordingTap(["transformer.h.1.mlp.c_fc", "transformer.ln_f"]))[0];
        Assert.Equal(plain, tapped);
    }

    [Fact]
    public void SnapshotRestore_AfterEdit_RestoresExactLoss()
    {
        Gpt2Config config = Gpt2TestModels.Small();
        using DecoderModel model = Gpt2TestModels.Create(config);
        int[] tokens = Gpt2TestModels.Tokens(40, config.VocabSize, 4);
        WindowLoss before = model.CausalLosses([tokens])[0];
        using IModelSnapshot snapshot = model.Snapshot();
        Span<float> w = model.Parameters.GetSpan("transformer.h.1.mlp.c_fc.weight");
        for (int i = 0; i < w.Length; i++)
        {
            w[i] *= 1.5f;
        }
        WindowLoss edited = model.CausalLosses([tokens])[0];
        Assert.NotEqual(before.LossSum, edited.LossSum);
        model.Restore(snapshot);
        Assert.Equal(before, model.CausalLosses([tokens])[0]);
    }

    [Fact]
    public void Constructor_MissingTensor_ThrowsShapeMismatch()
    {
        Gpt2Config config = Gpt2TestModels.Small();
        TensorStore weights = Gpt2TestModels.RandomWeights(config, 1);
        weights.Remove("transformer.h.2.mlp.c_proj.bias");
        var ex = Assert.Throws<InvarLockException>(() => Gpt2TestModels.Build(config, weights, new Gpt2TestModels.IdTokenizer(401)));
        Assert.Equal(ErrorCodes.ShapeMismatch, ex.Code);
        Assert.Contains("transformer.h.2.mlp.c_proj.bias", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WrongShape_ThrowsShapeMismatch()
    {
        Gpt2Config config = Gpt2TestModels.Small();
        TensorStore weights = Gpt2TestModels.RandomWeights(config, 1);
        weights.Remove("transformer.h.0.attn.c_attn.weight");
        weights.Add("transformer.h.0.attn.c_attn.weight", [3 * config.NEmbd, config.NEmbd], new float[3 * config.NEmbd * config.NEmbd]);
        var ex = Assert.Throws<InvarLockException>(() => Gpt2TestModels.Build(config, weights, new Gpt2TestModels.IdTokenizer(401)));
        Assert.Equal(ErrorCodes.ShapeMismatch, ex.Code);
        Assert.Contains("config.json implies [96, 288]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_HeadsNotDividingWidth_ThrowsMalformedConfig()
    {
        Gpt2Config config = Gpt2TestModels.Small() with { NHead = 5 };
        var ex = Assert.Throws<InvarLockException>(() => Gpt2TestModels.Create(config));
        Assert.Equal(ErrorCodes.MalformedConfig, ex.Code);
    }

    [Fact]
    public void Modules_SmallModel_ListsEmbeddingsBlocksAndFinalNorm()
    {
        using DecoderModel model = Gpt2TestModels.Create(Gpt2TestModels.Small());
        IReadOnlyList<ModuleInfo> modules = model.Modules;
        Assert.Equal(2 + 6 * 3 + 1, modules.Count);
        Assert.Equal(new ModuleInfo("transformer.wte", ModuleKind.Embedding, ModuleRole.TokenEmbedding, -1, "transformer.wte.weight", null) { OutputWidth = 96 }, modules[0]);
        ModuleInfo fc = modules.Single(m => m.Name == "transformer.h.1.mlp.c_fc");
        Assert.Equal((ModuleKind.Conv1D, "ffn", 1, "transformer.h.1.mlp.c_fc.weight", "transformer.h.1.mlp.c_fc.bias", 384),
            (fc.Kind, fc.Family, fc.Layer, fc.WeightName, fc.BiasName, fc.OutputWidth));
        ModuleInfo attn = modules.Single(m => m.Name == "transformer.h.2.attn.c_attn");
        Assert.Equal((ModuleKind.Conv1D, "attn", 2, 288), (attn.Kind, attn.Family, attn.Layer, attn.OutputWidth));
        ModuleInfo ln = modules[^1];
        Assert.Equal(("transformer.ln_f", ModuleKind.LayerNorm, "norm", -1), (ln.Name, ln.Kind, ln.Family, ln.Layer));
        Assert.All(modules, m => Assert.True(model.Parameters.TryGet(m.WeightName, out _)));
    }

    [Fact]
    public void Description_TiedModel_CountsEmbeddingOnce()
    {
        Gpt2Config config = Gpt2TestModels.Small();
        using DecoderModel model = Gpt2TestModels.Create(config);
        int e = config.NEmbd, inner = config.InnerSize;
        long perBlock = 4L * e + (e * 3L * e + 3 * e) + (e * (long)e + e) + (e * (long)inner + inner) + (inner * (long)e + e);
        long expected = (long)config.VocabSize * e + (long)config.NPositions * e + config.NLayer * perBlock + 2 * e;
        Assert.Equal(new ModelDescription("gpt2", 3, 4, 96, 401, 80, true, expected, "causal")
        {
            KeyValueHeads = 4, HeadDim = 24, IntermediateSize = 384, NormKind = "layernorm", PositionKind = "learned", StoredDType = "F32",
        }, model.Description);
    }

    [Fact]
    public void Description_UntiedHead_UsesLmHeadAndCountsIt()
    {
        Gpt2Config config = Gpt2TestModels.Small(tie: false);
        using DecoderModel untied = Gpt2TestModels.Create(config, withLmHead: true);
        using DecoderModel tied = Gpt2TestModels.Create(Gpt2TestModels.Small());
        Assert.False(untied.Description.TiedEmbeddings);
        Assert.Equal("lm_head", untied.Modules[^1].Name);
        Assert.Equal(tied.Description.ParameterCount + (long)config.VocabSize * config.NEmbd, untied.Description.ParameterCount);
        int[] tokens = Gpt2TestModels.Tokens(20, 401, 1);
        Assert.NotEqual(tied.CausalLosses([tokens])[0], untied.CausalLosses([tokens])[0]);
    }

    [Fact]
    public void Constructor_TiedConfigWithADifferentStoredHead_ThrowsShapeMismatch()
    {
        var ex = Assert.Throws<InvarLockException>(() => Gpt2TestModels.Create(Gpt2TestModels.Small(), withLmHead: true));
        Assert.Equal(ErrorCodes.ShapeMismatch, ex.Code);
        Assert.Contains("tie_word_embeddings is true but the stored 'lm_head.weight' differs", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TiedConfigWithAnExactCopyOfTheHead_DropsItAndMatchesTheTiedModel()
    {
        Gpt2Config config = Gpt2TestModels.Small();
        TensorStore weights = Gpt2TestModels.RandomWeights(config, 42);
        weights.Add("lm_head.weight", [config.VocabSize, config.NEmbd], (float[])weights.GetArray("transformer.wte.weight").Clone());
        using DecoderModel withCopy = Gpt2TestModels.Build(config, weights, new Gpt2TestModels.IdTokenizer(config.VocabSize));
        using DecoderModel plain = Gpt2TestModels.Create(config);
        int[] tokens = Gpt2TestModels.Tokens(20, 401, 1);
        Assert.False(withCopy.Parameters.TryGet("lm_head.weight", out _));
        Assert.Equal(plain.CausalLosses([tokens])[0], withCopy.CausalLosses([tokens])[0]);
    }

    private sealed class RecordingTap(IEnumerable<string> names) : IActivationTap
    {
        public IReadOnlySet<string> ModuleNames { get; } = new HashSet<string>(names, StringComparer.Ordinal);

        public List<(string Name, int Window, int Tokens, int Width, float[] Values)> Calls { get; } = [];

        public void OnActivation(string moduleName, int windowIndex, ReadOnlySpan<float> activations, int tokens, int width)
        {
            Assert.Equal(tokens * width, activations.Length);
            Calls.Add((moduleName, windowIndex, tokens, width, activations.ToArray()));
        }
    }
}
