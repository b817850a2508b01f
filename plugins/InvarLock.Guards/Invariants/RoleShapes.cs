using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Invariants;

/// <summary>One module whose parameters contradict the model's <see cref="ModelDescription"/>.</summary>
/// <param name="Module">The module (null for a problem of the description itself).</param>
/// <param name="Message">What is wrong, naming the parameter, its shape and the expected one.</param>
internal sealed record RoleShapeProblem(string? Module, string Message);

/// <summary>Per-role structure of a model checked against its description: every module's weight (and bias) has the
/// shape its role implies given the hidden size, query heads, key/value heads, head width and MLP width.</summary>
/// <remarks>
/// <para>With <c>d</c> = hidden size, <c>H</c> = heads, <c>KV</c> = key/value heads (0 means H), <c>hd</c> = head width
/// (0 means d / H) and <c>I</c> = intermediate size (0 = unknown, then MLP widths are not checked), the expected
/// <c>[out, in]</c> sizes are: query <c>[H·hd, d]</c>; key and value <c>[KV·hd, d]</c> (fewer rows under GQA/MQA); fused
/// qkv <c>[(H + 2·KV)·hd, d]</c> (rows q; k; v); attention output <c>[d, H·hd]</c>; gate and up <c>[I, d]</c>; fused
/// gate-up <c>[2·I, d]</c> (rows gate; up); down <c>[d, I]</c>; output head <c>[·, d]</c>. A Linear weight is stored
/// <c>[out, in]</c>, a Conv1D weight <c>[in, out]</c>. Embeddings are <c>[rows, d]</c> (their rows are the
/// <c>tokenizer_mismatch</c> check's business); block norms and the final norm have <c>[d]</c> weights (and biases),
/// per-head query/key norms <c>[hd]</c>. A bias has one value per output. Modules inside the blocks carry a layer index
/// in <c>[0, layers)</c>, and the heads divide evenly into key/value groups.</para>
/// <para>Non-finite values in any tensor (norm weights included) are the guard's <c>non_finite_tensor</c> check.</para>
/// </remarks>
internal static class RoleShapes
{
    public static List<RoleShapeProblem> Check(IModel model)
    {
        ModelDescription desc = model.Description;
        var problems = new List<RoleShapeProblem>();
        int d = desc.HiddenSize;
        int heads = desc.Heads;
        int kv = desc.KeyValueHeads > 0 ? desc.KeyValueHeads : heads;
        if (heads <= 0 || d <= 0)
        {
            return problems;
        }
        if (kv > heads || heads % kv != 0)
        {
            problems.Add(new RoleShapeProblem(null, $"{heads} query heads do not divide into {kv} key/value heads"));
            return problems;
        }
        int hd = desc.HeadDim > 0 ? desc.HeadDim : d / heads;
        int inter = desc.IntermediateSize;
        foreach (ModuleInfo m in model.Modules)
        {
            if (IsBlockRole(m.Role) && (m.Layer < 0 || m.Layer >= desc.Layers))
            {
                problems.Add(new RoleShapeProblem(m.Name, $"module {m.Name} ({m.Role}) has layer index {m.Layer}, outside [0, {desc.Layers})"));
            }
            switch (m.Role)
            {
                case ModuleRole.TokenEmbedding:
                case ModuleRole.PositionEmbedding:
                    Matrix(model, m, null, d, problems);
                    break;
                case ModuleRole.AttentionNorm:
                case ModuleRole.MlpNorm:
                case ModuleRole.FinalNorm:
                    Vector(model, m, m.WeightName, d, problems);
                    Vector(model, m, m.BiasName, d, problems);
                    break;
                case ModuleRole.QueryNorm:
                case ModuleRole.KeyNorm:
                    Vector(model, m, m.WeightName, hd, problems);
                    Vector(model, m, m.BiasName, hd, problems);
                    break;
                case ModuleRole.Query:
                    Linear(model, m, heads * hd, d, problems);
                    break;
                case ModuleRole.Key:
                case ModuleRole.Value:
                    Linear(model, m, kv * hd, d, problems);
                    break;
                case ModuleRole.FusedQkv:
                    Linear(model, m, (heads + (2 * kv)) * hd, d, problems);
                    break;
                case ModuleRole.AttentionOutput:
                    Linear(model, m, d, heads * hd, problems);
                    break;
                case ModuleRole.Gate:
                case ModuleRole.Up:
                    Linear(model, m, inter > 0 ? inter : null, d, problems);
                    break;
                case ModuleRole.FusedGateUp:
                    Linear(model, m, inter > 0 ? 2 * inter : null, d, problems);
                    break;
                case ModuleRole.Down:
                    Linear(model, m, d, inter > 0 ? inter : null, problems);
                    break;
                case ModuleRole.OutputHead:
                    Linear(model, m, null, d, problems);
                    break;
            }
        }
        return problems;
    }

    private static bool IsBlockRole(ModuleRole role) => role is not (ModuleRole.TokenEmbedding or ModuleRole.PositionEmbedding
        or ModuleRole.FinalNorm or ModuleRole.OutputHead);

    /// <summary>A projection's weight, oriented by its kind, and its bias.</summary>
    private static void Linear(IModel model, ModuleInfo m, int? outputs, int? inputs, List<RoleShapeProblem> problems)
    {
        // Only a Conv1D weight is stored [in, out]; anything else (Linear, or a tied head declared as an embedding) is [out, in].
        bool conv = m.Kind == ModuleKind.Conv1D;
        ParameterInfo? w = conv ? Matrix(model, m, inputs, outputs, problems) : Matrix(model, m, outputs, inputs, problems);
        if (w is not null)
        {
            Vector(model, m, m.BiasName, conv ? w.Shape[1] : w.Shape[0], problems);
        }
    }

    /// <summary>Checks a 2-D weight against <c>[rows, cols]</c> as stored (null = any size); returns it when it fits.</summary>
    private static ParameterInfo? Matrix(IModel model, ModuleInfo m, int? rows, int? cols, List<RoleShapeProblem> problems)
    {
        if (!model.Parameters.TryGet(m.WeightName, out ParameterInfo w))
        {
            problems.Add(new RoleShapeProblem(m.Name, $"module {m.Name} ({m.Role}): weight {m.WeightName} is missing"));
            return null;
        }
        if (w.Shape.Count != 2 || (rows is int r && w.Shape[0] != r) || (cols is int c && w.Shape[1] != c))
        {
            problems.Add(new RoleShapeProblem(m.Name,
                $"module {m.Name} ({m.Role}): weight {m.WeightName} has shape [{string.Join(", ", w.Shape)}], expected [{Dim(rows)}, {Dim(cols)}]"));
            return null;
        }
        return w;
    }

    private static void Vector(IModel model, ModuleInfo m, string? name, int length, List<RoleShapeProblem> problems)
    {
        if (name is null)
        {
            return;
        }
        if (!model.Parameters.TryGet(name, out ParameterInfo p))
        {
            problems.Add(new RoleShapeProblem(m.Name, $"module {m.Name} ({m.Role}): parameter {name} is missing"));
            return;
        }
        if (p.Shape.Count != 1 || p.Shape[0] != length)
        {
            problems.Add(new RoleShapeProblem(m.Name,
                $"module {m.Name} ({m.Role}): parameter {name} has shape [{string.Join(", ", p.Shape)}], expected [{length}]"));
        }
    }

    private static string Dim(int? d) => d is int v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "*";
}
