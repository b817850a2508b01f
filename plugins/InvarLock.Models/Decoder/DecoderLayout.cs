using System.Globalization;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Decoder;

/// <summary>What a <see cref="DecoderConfig"/> implies: the tensors it needs with their shapes, and the module list in
/// execution order with roles. The same for every family; only the config and the name table differ.</summary>
internal sealed class DecoderLayout
{
    private readonly DecoderConfig _c;
    private readonly List<(string Name, int[] Shape)> _tensors = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    internal DecoderLayout(DecoderConfig config)
    {
        CheckSizes(config);
        _c = config;
        DecoderNameTable n = config.Names;
        int d = config.Hidden;
        Add(n.Weight(ModuleRole.TokenEmbedding), [config.Vocab, d]);
        if (config.Position == PositionKind.Learned)
        {
            Add(n.Weight(ModuleRole.PositionEmbedding), [config.MaxPositions, d]);
        }
        for (int i = 0; i < config.Layers; i++)
        {
            AddNorm(ModuleRole.AttentionNorm, i, d);
            if (config.FusedQkv)
            {
                AddProjection(ModuleRole.FusedQkv, i, d, config.QueryWidth + 2 * config.KeyValueWidth, config.QkvBias);
            }
            else
            {
                AddProjection(ModuleRole.Query, i, d, config.QueryWidth, config.QkvBias);
                AddProjection(ModuleRole.Key, i, d, config.KeyValueWidth, config.QkvBias);
                AddProjection(ModuleRole.Value, i, d, config.KeyValueWidth, config.QkvBias);
            }
            if (config.QueryKeyNorm)
            {
                Add(n.Weight(ModuleRole.QueryNorm, i), [config.HeadDim]);
                Add(n.Weight(ModuleRole.KeyNorm, i), [config.HeadDim]);
            }
            AddProjection(ModuleRole.AttentionOutput, i, config.QueryWidth, d, config.AttentionOutputBias);
            AddNorm(ModuleRole.MlpNorm, i, d);
            if (!config.GatedMlp)
            {
                AddProjection(ModuleRole.Up, i, d, config.Intermediate, config.MlpBias);
            }
            else if (config.FusedGateUp)
            {
                AddProjection(ModuleRole.FusedGateUp, i, d, 2 * config.Intermediate, config.MlpBias);
            }
            else
            {
                AddProjection(ModuleRole.Gate, i, d, config.Intermediate, config.MlpBias);
                AddProjection(ModuleRole.Up, i, d, config.Intermediate, config.MlpBias);
            }
            AddProjection(ModuleRole.Down, i, config.Intermediate, d, config.MlpBias);
        }
        AddNorm(ModuleRole.FinalNorm, -1, d);
        if (!config.TiedHead)
        {
            Add(n.Weight(ModuleRole.OutputHead), [config.Vocab, d]); // nn.Linear in every family
        }
    }

    /// <summary>Refuses dimensions whose products overflow the engine's index arithmetic (a hostile or corrupt config.json),
    /// before any shape is computed from them.</summary>
    private static void CheckSizes(DecoderConfig c)
    {
        const long Limit = int.MaxValue / 4;
        long projections = ((long)c.Heads + 2L * c.KeyValueHeads) * c.HeadDim;
        long[] sizes = [c.Hidden, projections, 2L * c.Intermediate, c.Vocab, c.MaxPositions, c.Layers];
        foreach (long size in sizes)
        {
            if (size <= 0 && c.Layers > 0 || size > Limit)
            {
                throw new InvarLockException(ErrorCodes.MalformedConfig, string.Create(CultureInfo.InvariantCulture,
                    $"config.json: {c.ModelType} dimensions out of range (layers {c.Layers}, hidden {c.Hidden}, heads {c.Heads}, " +
                    $"kv heads {c.KeyValueHeads}, head_dim {c.HeadDim}, intermediate {c.Intermediate}, vocab {c.Vocab}, " +
                    $"positions {c.MaxPositions})"));
            }
        }
    }

    /// <summary>Every tensor the config needs, with its shape, in execution order.</summary>
    internal IReadOnlyList<(string Name, int[] Shape)> Tensors => _tensors;

    /// <summary>The names of <see cref="Tensors"/>.</summary>
    internal IReadOnlySet<string> Names => _names;

    private void Add(string name, int[] shape)
    {
        _tensors.Add((name, shape));
        _names.Add(name);
    }

    private void AddNorm(ModuleRole role, int layer, int width)
    {
        Add(_c.Names.Weight(role, layer), [width]);
        if (_c.Norm == NormKind.LayerNorm)
        {
            Add(_c.Names.Bias(role, layer), [width]);
        }
    }

    private void AddProjection(ModuleRole role, int layer, int inputs, int outputs, bool bias)
    {
        Add(_c.Names.Weight(role, layer), _c.Conv1DWeights ? [inputs, outputs] : [outputs, inputs]);
        if (bias)
        {
            Add(_c.Names.Bias(role, layer), [outputs]);
        }
    }

    /// <summary>Why <paramref name="name"/> (a canonical tensor name) is not a parameter of this model, or null when it is.</summary>
    internal string? UnexpectedTensorProblem(string name) =>
        RequiredTensors.Unexpected(name, _names, _c.Names.LayerOf(name), _c.Layers, $"{_c.ModelType} model");

    /// <summary>Checks that every required tensor exists with its shape and nothing else is there.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.ShapeMismatch"/> naming <paramref name="source"/>.</exception>
    internal void Validate(IParameterStore weights, string source) =>
        RequiredTensors.Validate(weights, _tensors, UnexpectedTensorProblem, source, _c.ModelType, _c.Layers);

    /// <summary>The modules in execution order, with roles, layers and output widths.</summary>
    internal List<ModuleInfo> BuildModules()
    {
        DecoderConfig c = _c;
        DecoderNameTable n = c.Names;
        int d = c.Hidden;
        ModuleKind norm = c.Norm == NormKind.LayerNorm ? ModuleKind.LayerNorm : ModuleKind.RmsNorm;
        ModuleKind linear = c.Conv1DWeights ? ModuleKind.Conv1D : ModuleKind.Linear;
        var list = new List<ModuleInfo>(12 * c.Layers + 4);
        void Module(ModuleRole role, int layer, ModuleKind kind, bool bias, int width)
        {
            string name = n.Module(role, layer);
            list.Add(new ModuleInfo(name, kind, role, layer, name + ".weight", bias ? name + ".bias" : null) { OutputWidth = width });
        }
        bool normBias = c.Norm == NormKind.LayerNorm;
        Module(ModuleRole.TokenEmbedding, -1, ModuleKind.Embedding, false, d);
        if (c.Position == PositionKind.Learned)
        {
            Module(ModuleRole.PositionEmbedding, -1, ModuleKind.Embedding, false, d);
        }
        for (int i = 0; i < c.Layers; i++)
        {
            Module(ModuleRole.AttentionNorm, i, norm, normBias, d);
            if (c.FusedQkv)
            {
                Module(ModuleRole.FusedQkv, i, linear, c.QkvBias, c.QueryWidth + 2 * c.KeyValueWidth);
            }
            else
            {
                Module(ModuleRole.Query, i, linear, c.QkvBias, c.QueryWidth);
                Module(ModuleRole.Key, i, linear, c.QkvBias, c.KeyValueWidth);
                Module(ModuleRole.Value, i, linear, c.QkvBias, c.KeyValueWidth);
            }
            if (c.QueryKeyNorm)
            {
                Module(ModuleRole.QueryNorm, i, ModuleKind.RmsNorm, false, c.QueryWidth);
                Module(ModuleRole.KeyNorm, i, ModuleKind.RmsNorm, false, c.KeyValueWidth);
            }
            Module(ModuleRole.AttentionOutput, i, linear, c.AttentionOutputBias, d);
            Module(ModuleRole.MlpNorm, i, norm, normBias, d);
            if (!c.GatedMlp)
            {
                Module(ModuleRole.Up, i, linear, c.MlpBias, c.Intermediate);
            }
            else if (c.FusedGateUp)
            {
                Module(ModuleRole.FusedGateUp, i, linear, c.MlpBias, 2 * c.Intermediate);
            }
            else
            {
                Module(ModuleRole.Gate, i, linear, c.MlpBias, c.Intermediate);
                Module(ModuleRole.Up, i, linear, c.MlpBias, c.Intermediate);
            }
            Module(ModuleRole.Down, i, linear, c.MlpBias, d);
        }
        Module(ModuleRole.FinalNorm, -1, norm, normBias, d);
        if (!c.TiedHead)
        {
            Module(ModuleRole.OutputHead, -1, ModuleKind.Linear, false, c.Vocab);
        }
        return list;
    }
}
