using InvarLock.Models.HuggingFace;
using InvarLock.Models.Generation;
using InvarLock.Sdk.Models;

namespace InvarLock.Metrics.Tests;

/// <summary>Generated checkpoints (one per family, written once per test run) loaded through the hf_causal or hf_mlm adapter,
/// deterministic windows, and seeded weight noise.</summary>
internal static class TinyModels
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, string> Folders = [];

    public static IModel Load(string family = "llama", int threads = 1)
    {
        string folder;
        lock (Gate)
        {
            if (!Folders.TryGetValue(family, out folder!))
            {
                folder = Path.Combine(Path.GetTempPath(), $"invarlock-metrics-tests-{Environment.ProcessId}", family);
                if (!TinyDecoderPresets.TryGetDemo(family, out TinyDecoderOptions? options))
                {
                    throw new ArgumentException($"no demo preset for {family}", nameof(family));
                }
                TinyDecoderGenerator.Generate(folder, options);
                Folders[family] = folder;
            }
        }
        return new HfCausalAdapter().Load(folder, new ModelLoadOptions { Threads = threads });
    }

    /// <summary>A generated BERT (<c>bert</c>) or RoBERTa (<c>roberta</c>) through the hf_mlm adapter.</summary>
    public static IModel LoadMaskedLm(string family = "bert", int threads = 1)
    {
        string folder;
        lock (Gate)
        {
            if (!Folders.TryGetValue("mlm-" + family, out folder!))
            {
                folder = Path.Combine(Path.GetTempPath(), $"invarlock-metrics-tests-{Environment.ProcessId}", "mlm-" + family);
                TinyEncoderFamily kind = family == "bert" ? TinyEncoderFamily.Bert : TinyEncoderFamily.Roberta;
                TinyEncoderGenerator.Generate(folder, TinyEncoderGenerator.Demo with { Family = kind, LinearScale = 3 });
                Folders["mlm-" + family] = folder;
            }
        }
        return new HfMlmAdapter().Load(folder, new ModelLoadOptions { Threads = threads });
    }

    public static List<ReadOnlyMemory<int>> Windows(IModel model, int count, int length, int seed = 5)
    {
        var rng = new Random(seed);
        var list = new List<ReadOnlyMemory<int>>(count);
        int vocab = model.Description.VocabSize;
        for (int w = 0; w < count; w++)
        {
            var ids = new int[length];
            for (int t = 0; t < length; t++)
            {
                ids[t] = rng.Next(vocab);
            }
            list.Add(ids);
        }
        return list;
    }

    /// <summary>Adds N(0, (sigma · rms(w))²) to every weight matrix of <paramref name="model"/> (seeded).</summary>
    public static void AddNoise(IModel model, double sigma, int seed = 17)
    {
        var rng = new Random(seed);
        foreach (ParameterInfo p in model.Parameters.All)
        {
            if (p.Shape.Count != 2)
            {
                continue;
            }
            var values = new float[p.ElementCount];
            model.Parameters.Read(p.Name, 0, values);
            double sq = 0;
            foreach (float v in values)
            {
                sq += (double)v * v;
            }
            double scale = sigma * Math.Sqrt(sq / values.Length);
            for (int i = 0; i < values.Length; i++)
            {
                double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
                values[i] += (float)(scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
            model.Parameters.Write(p.Name, 0, values);
        }
    }
}
