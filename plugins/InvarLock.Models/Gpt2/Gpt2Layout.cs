using System.Globalization;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Gpt2;

/// <summary>Hugging Face GPT-2 tensor names, their expected shapes, and the module list.</summary>
internal static class Gpt2Layout
{
    internal const string Wte = "transformer.wte.weight";
    internal const string Wpe = "transformer.wpe.weight";
    internal const string LnFWeight = "transformer.ln_f.weight";
    internal const string LnFBias = "transformer.ln_f.bias";
    internal const string LmHead = "lm_head.weight";

    internal static string Block(int layer, string suffix) =>
        string.Create(CultureInfo.InvariantCulture, $"transformer.h.{layer}.{suffix}");

    /// <summary>Every required tensor with its shape, in a stable order.</summary>
    internal static IEnumerable<(string Name, int[] Shape)> RequiredTensors(Gpt2Config c)
    {
        int d = c.NEmbd;
        int inner = c.InnerSize;
        yield return (Wte, [c.VocabSize, d]);
        yield return (Wpe, [c.NPositions, d]);
        for (int i = 0; i < c.NLayer; i++)
        {
            yield return (Block(i, "ln_1.weight"), [d]);
            yield return (Block(i, "ln_1.bias"), [d]);
            yield return (Block(i, "attn.c_attn.weight"), [d, 3 * d]);
            yield return (Block(i, "attn.c_attn.bias"), [3 * d]);
            yield return (Block(i, "attn.c_proj.weight"), [d, d]);
            yield return (Block(i, "attn.c_proj.bias"), [d]);
            yield return (Block(i, "ln_2.weight"), [d]);
            yield return (Block(i, "ln_2.bias"), [d]);
            yield return (Block(i, "mlp.c_fc.weight"), [d, inner]);
            yield return (Block(i, "mlp.c_fc.bias"), [inner]);
            yield return (Block(i, "mlp.c_proj.weight"), [inner, d]);
            yield return (Block(i, "mlp.c_proj.bias"), [d]);
        }
        yield return (LnFWeight, [d]);
        yield return (LnFBias, [d]);
    }

    /// <summary>Why <paramref name="name"/> (a canonical checkpoint name) is not a parameter of the model
    /// <paramref name="c"/> describes, or null when it is one: a block beyond <c>n_layer</c>, or a name GPT-2 does
    /// not have.</summary>
    internal static string? UnexpectedTensorProblem(Gpt2Config c, string name, HashSet<string> expected)
    {
        if (expected.Contains(name) || (!c.TieWordEmbeddings && name == LmHead))
        {
            return null;
        }
        const string blockPrefix = "transformer.h.";
        if (name.StartsWith(blockPrefix, StringComparison.Ordinal))
        {
            int dot = name.IndexOf('.', blockPrefix.Length);
            if (dot > blockPrefix.Length && int.TryParse(name.AsSpan(blockPrefix.Length, dot - blockPrefix.Length), NumberStyles.None,
                    CultureInfo.InvariantCulture, out int layer) && layer >= c.NLayer)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"belongs to layer {layer}, but config.json has n_layer {c.NLayer} (layers 0-{c.NLayer - 1})");
            }
        }
        return "is not a parameter of the GPT-2 model config.json describes (an extra tensor)";
    }

    /// <summary>The canonical names of every required tensor.</summary>
    internal static HashSet<string> RequiredNames(Gpt2Config c)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in RequiredTensors(c))
        {
            names.Add(name);
        }
        return names;
    }

    /// <summary>Checks the config's numbers and that every tensor exists with the right shape.</summary>
    internal static void Validate(Gpt2Config c, TensorStore weights)
    {
        if (c.NLayer < 0 || c.NHead <= 0 || c.NEmbd <= 0 || c.NPositions <= 0 || c.VocabSize <= 0 || c.InnerSize <= 0
            || c.NEmbd % c.NHead != 0)
        {
            throw new InvarLockException(ErrorCodes.MalformedConfig,
                $"config.json: invalid GPT-2 dimensions (n_layer {c.NLayer}, n_head {c.NHead}, n_embd {c.NEmbd}, " +
                $"n_positions {c.NPositions}, vocab_size {c.VocabSize}, n_inner {c.InnerSize})");
        }
        if (c.ActivationFunction is not ("gelu_new" or "gelu" or "gelu_pytorch_tanh" or "gelu_fast"))
        {
            throw new InvarLockException(ErrorCodes.MalformedConfig,
                $"config.json: unsupported GPT-2 activation_function '{c.ActivationFunction}'");
        }
        foreach (var (name, shape) in RequiredTensors(c))
        {
            Check(weights, name, shape);
        }
        if (!c.TieWordEmbeddings && weights.TryGet(LmHead, out _))
        {
            Check(weights, LmHead, [c.VocabSize, c.NEmbd]);
        }
    }

    private static void Check(TensorStore weights, string name, int[] shape)
    {
        if (!weights.TryGet(name, out ParameterInfo info))
        {
            throw new InvarLockException(ErrorCodes.ShapeMismatch, $"model weights: missing tensor '{name}'");
        }
        if (!info.Shape.SequenceEqual(shape))
        {
            throw new InvarLockException(ErrorCodes.ShapeMismatch,
                $"model weights: tensor '{name}' has shape [{string.Join(", ", info.Shape)}], expected [{string.Join(", ", shape)}]");
        }
    }

    /// <summary>The named modules in execution order.</summary>
    internal static List<ModuleInfo> BuildModules(Gpt2Config c, bool separateHead)
    {
        int d = c.NEmbd;
        var list = new List<ModuleInfo>(6 * c.NLayer + 4)
        {
            new("transformer.wte", ModuleKind.Embedding, ModuleRole.TokenEmbedding, -1, Wte, null) { OutputWidth = d },
            new("transformer.wpe", ModuleKind.Embedding, ModuleRole.PositionEmbedding, -1, Wpe, null) { OutputWidth = d },
        };
        for (int i = 0; i < c.NLayer; i++)
        {
            list.Add(Norm(Block(i, "ln_1"), ModuleRole.AttentionNorm, i, d));
            list.Add(Conv(Block(i, "attn.c_attn"), ModuleRole.FusedQkv, i, 3 * d));
            list.Add(Conv(Block(i, "attn.c_proj"), ModuleRole.AttentionOutput, i, d));
            list.Add(Norm(Block(i, "ln_2"), ModuleRole.MlpNorm, i, d));
            list.Add(Conv(Block(i, "mlp.c_fc"), ModuleRole.Up, i, c.InnerSize));
            list.Add(Conv(Block(i, "mlp.c_proj"), ModuleRole.Down, i, d));
        }
        list.Add(Norm("transformer.ln_f", ModuleRole.FinalNorm, -1, d));
        if (separateHead)
        {
            list.Add(new ModuleInfo("lm_head", ModuleKind.Linear, ModuleRole.OutputHead, -1, LmHead, null) { OutputWidth = c.VocabSize });
        }
        return list;
    }

    private static ModuleInfo Norm(string name, ModuleRole role, int layer, int width) =>
        new(name, ModuleKind.LayerNorm, role, layer, name + ".weight", name + ".bias") { OutputWidth = width };

    private static ModuleInfo Conv(string name, ModuleRole role, int layer, int width) =>
        new(name, ModuleKind.Conv1D, role, layer, name + ".weight", name + ".bias") { OutputWidth = width };
}
