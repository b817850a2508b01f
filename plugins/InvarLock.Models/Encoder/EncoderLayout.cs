using System.Globalization;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Encoder;

/// <summary>What an <see cref="EncoderConfig"/> implies: the tensors it needs with their shapes (all nn.Linear,
/// <c>[out, in]</c>) and the module list in execution order with roles.</summary>
/// <remarks>Roles: the word and position tables are <see cref="ModuleRole.TokenEmbedding"/> and
/// <see cref="ModuleRole.PositionEmbedding"/>; in block N the LayerNorm after the attention residual is
/// <see cref="ModuleRole.AttentionNorm"/> and the one after the MLP residual <see cref="ModuleRole.MlpNorm"/> (post-norm:
/// each normalises the block's output rather than its input); the head transform's LayerNorm, the last norm before the
/// tied decoder, is <see cref="ModuleRole.FinalNorm"/>. The token-type table, the embedding LayerNorm, the head
/// transform's dense layer and the decoder bias are parameters without a module: no guard or edit acts on them.</remarks>
internal sealed class EncoderLayout
{
    private readonly EncoderConfig _c;
    private readonly List<(string Name, int[] Shape)> _tensors = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    internal EncoderLayout(EncoderConfig config)
    {
        _c = config;
        EncoderNameTable n = config.Names;
        int d = config.Hidden;
        Add(n.WordEmbedding + ".weight", [config.Vocab, d]);
        Add(n.PositionEmbedding + ".weight", [config.MaxPositions, d]);
        Add(n.TokenTypeEmbedding + ".weight", [config.TypeVocab, d]);
        AddNorm(n.EmbeddingNorm, d);
        for (int i = 0; i < config.Layers; i++)
        {
            AddLinear(n.Query(i), d, d);
            AddLinear(n.Key(i), d, d);
            AddLinear(n.Value(i), d, d);
            AddLinear(n.AttentionOutput(i), d, d);
            AddNorm(n.AttentionNorm(i), d);
            AddLinear(n.Up(i), d, config.Intermediate);
            AddLinear(n.Down(i), config.Intermediate, d);
            AddNorm(n.MlpNorm(i), d);
        }
        AddLinear(n.HeadDense, d, d);
        AddNorm(n.HeadNorm, d);
        Add(n.HeadBias, [config.Vocab]);
    }

    /// <summary>Every tensor the config needs, with its shape, in execution order.</summary>
    internal IReadOnlyList<(string Name, int[] Shape)> Tensors => _tensors;

    private void Add(string name, int[] shape)
    {
        _tensors.Add((name, shape));
        _names.Add(name);
    }

    private void AddNorm(string module, int width)
    {
        Add(module + ".weight", [width]);
        Add(module + ".bias", [width]);
    }

    private void AddLinear(string module, int inputs, int outputs)
    {
        Add(module + ".weight", [outputs, inputs]);
        Add(module + ".bias", [outputs]);
    }

    /// <summary>Why <paramref name="name"/> (a canonical tensor name) is not a parameter of this model, or null when it is.</summary>
    internal string? UnexpectedTensorProblem(string name) =>
        RequiredTensors.Unexpected(name, _names, _c.Names.LayerOf(name), _c.Layers, $"{_c.ModelType} masked-LM model");

    /// <summary>Checks that every required tensor exists with its shape and nothing else is there.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.ShapeMismatch"/> naming <paramref name="source"/>.</exception>
    internal void Validate(IParameterStore weights, string source) =>
        RequiredTensors.Validate(weights, _tensors, UnexpectedTensorProblem, source, _c.ModelType, _c.Layers);

    /// <summary>The modules in execution order, with roles, layers and output widths.</summary>
    internal List<ModuleInfo> BuildModules()
    {
        EncoderConfig c = _c;
        EncoderNameTable n = c.Names;
        int d = c.Hidden;
        var list = new List<ModuleInfo>(8 * c.Layers + 3);
        void Module(string name, ModuleRole role, int layer, ModuleKind kind, bool bias, int width) =>
            list.Add(new ModuleInfo(name, kind, role, layer, name + ".weight", bias ? name + ".bias" : null) { OutputWidth = width });
        Module(n.WordEmbedding, ModuleRole.TokenEmbedding, -1, ModuleKind.Embedding, false, d);
        Module(n.PositionEmbedding, ModuleRole.PositionEmbedding, -1, ModuleKind.Embedding, false, d);
        for (int i = 0; i < c.Layers; i++)
        {
            Module(n.Query(i), ModuleRole.Query, i, ModuleKind.Linear, true, d);
            Module(n.Key(i), ModuleRole.Key, i, ModuleKind.Linear, true, d);
            Module(n.Value(i), ModuleRole.Value, i, ModuleKind.Linear, true, d);
            Module(n.AttentionOutput(i), ModuleRole.AttentionOutput, i, ModuleKind.Linear, true, d);
            Module(n.AttentionNorm(i), ModuleRole.AttentionNorm, i, ModuleKind.LayerNorm, true, d);
            Module(n.Up(i), ModuleRole.Up, i, ModuleKind.Linear, true, c.Intermediate);
            Module(n.Down(i), ModuleRole.Down, i, ModuleKind.Linear, true, d);
            Module(n.MlpNorm(i), ModuleRole.MlpNorm, i, ModuleKind.LayerNorm, true, d);
        }
        Module(n.HeadNorm, ModuleRole.FinalNorm, -1, ModuleKind.LayerNorm, true, d);
        return list;
    }
}
