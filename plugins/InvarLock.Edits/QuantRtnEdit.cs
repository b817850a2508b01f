using System.Text.Json.Nodes;
using InvarLock.Sdk;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Models;

namespace InvarLock.Edits;

/// <summary>Symmetric per-output-channel round-to-nearest int8 quantize-dequantize of attention and MLP weight matrices.</summary>
/// <remarks>
/// <para>Targets are selected by role: the Linear and Conv1D modules whose <see cref="ModuleInfo.Role"/> is an attention
/// projection (q, k, v, fused qkv, output; family <c>attn</c>) and/or an MLP projection (gate, up, fused gate-up, down;
/// family <c>ffn</c>), per <c>scope</c>, in execution order. Embeddings, norms and the output head (tied or not) are never
/// touched.</para>
/// <para>Fused projections (GPT-2 <c>c_attn</c>, Phi-3 <c>qkv_proj</c> and <c>gate_up_proj</c>) are quantized as stored:
/// every output channel of a fused matrix belongs to exactly one of its parts (q, k or v; gate or up), so per-channel
/// quantization of the fused matrix gives exactly the values quantizing the parts separately would.</para>
/// <para>Each output channel gets its own scale s = max(|w|)/127; values become round-half-even(w/s)·s. For
/// <see cref="ModuleKind.Linear"/> (stored [out, in]) a channel is a row; for <see cref="ModuleKind.Conv1D"/>
/// (stored [in, out]) it is a column. (The Python reference quantizes per stored row, which for GPT-2 means per
/// input feature; we quantize per output channel as the edit's name promises.)</para>
/// </remarks>
public sealed class QuantRtnEdit : IEdit, IEditPolicyAdjustments
{
    public PluginDescriptor Descriptor { get; } =
        new("quant_rtn", new Version(1, 0), "Symmetric per-output-channel round-to-nearest int8 quantization (attention + MLP)");

    /// <summary>Round-to-nearest quantization shifts activation edges a little everywhere: the rmt deadband widens to 0.15.</summary>
    public JsonObject PolicyAdjustments() => new()
    {
        ["guards"] = new JsonObject { ["rmt"] = new JsonObject { ["deadband"] = 0.15 } },
    };

    public EditResult Apply(IModel model, EditSpec spec)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        QuantRtnOptions options = QuantRtnOptions.Parse(spec.Parameters);

        var targets = new List<ModuleInfo>();
        foreach (ModuleInfo m in model.Modules)
        {
            if (m.Kind is not (ModuleKind.Linear or ModuleKind.Conv1D))
            {
                continue;
            }
            bool inScope = options.Scope switch
            {
                "ffn" => m.Family == ModuleRoles.Ffn,
                "attn" => m.Family == ModuleRoles.Attention,
                _ => ModuleRoles.IsBlockProjection(m.Role),
            };
            if (inScope)
            {
                targets.Add(m);
            }
            if (options.MaxModules > 0 && targets.Count == options.MaxModules)
            {
                break;
            }
        }

        var changes = new List<ParameterChange>(targets.Count);
        float[] buffer = [];
        float[] original = [];
        var perModule = new JsonObject();
        long totalParams = 0;
        foreach (ModuleInfo module in targets)
        {
            model.Parameters.TryGet(module.WeightName, out ParameterInfo info);
            if (info is null || info.Shape.Count != 2)
            {
                continue;
            }
            // One tensor at a time in float32 (two reused buffers): the model's own storage is written once, through
            // Write, so a half-precision model stays half precision (the quantized values rounded to its format, as
            // PyTorch would store them) and no float32 copy of the model is made.
            int count = checked((int)info.ElementCount);
            if (buffer.Length < count)
            {
                buffer = new float[count];
                original = new float[count];
            }
            Span<float> weight = buffer.AsSpan(0, count);
            Span<float> before = original.AsSpan(0, count);
            model.Parameters.Read(module.WeightName, 0, before);
            before.CopyTo(weight);
            (int channels, int channelLength, int channelStart, int elementStride) = module.Kind == ModuleKind.Conv1D
                ? (info.Shape[1], info.Shape[0], 1, info.Shape[1])
                : (info.Shape[0], info.Shape[1], info.Shape[1], 1);
            var scratch = new float[channelLength];
            double scaleMin = double.PositiveInfinity, scaleMax = 0, scaleSum = 0;
            for (int c = 0; c < channels; c++)
            {
                float s = RoundToNearestQuantizer.QuantizeChannel(weight, c * channelStart, channelLength, elementStride,
                    options.Bitwidth, options.ClampRatio, scratch);
                scaleMin = Math.Min(scaleMin, s);
                scaleMax = Math.Max(scaleMax, s);
                scaleSum += s;
            }
            model.Parameters.Write(module.WeightName, 0, weight);
            model.Parameters.Read(module.WeightName, 0, weight); // what the model now holds
            changes.Add(Measure(module.WeightName, before, weight));
            totalParams += before.Length;
            perModule[module.Name] = new JsonObject
            {
                ["bitwidth"] = options.Bitwidth,
                ["channels"] = channels,
                ["params"] = before.Length,
                ["scale_min"] = scaleMin,
                ["scale_max"] = scaleMax,
                ["scale_mean"] = scaleSum / channels,
            };
        }
        changes.Sort((a, b) => string.CompareOrdinal(a.Parameter, b.Parameter));
        var details = new JsonObject
        {
            ["plan_digest"] = $"rtn_quantization_{options.Bitwidth}bit_{options.Scope}",
            ["bitwidth"] = options.Bitwidth,
            ["scope"] = options.Scope,
            ["granularity"] = "per_output_channel",
            ["rounding"] = "half_to_even",
            ["clamp_ratio"] = options.ClampRatio,
            ["max_modules"] = options.MaxModules,
            ["modules_quantized"] = changes.Count,
            ["params_quantized"] = totalParams,
            ["modules"] = perModule,
        };
        return new EditResult(Descriptor.Name, changes, details);
    }

    private static ParameterChange Measure(string name, ReadOnlySpan<float> before, ReadOnlySpan<float> after)
    {
        double maxAbs = 0, diffSq = 0, normSq = 0;
        for (int i = 0; i < before.Length; i++)
        {
            double d = (double)after[i] - before[i];
            maxAbs = Math.Max(maxAbs, Math.Abs(d));
            diffSq += d * d;
            normSq += (double)before[i] * before[i];
        }
        return new ParameterChange(name, before.Length, maxAbs, normSq > 0 ? Math.Sqrt(diffSq / normSq) : 0);
    }
}
