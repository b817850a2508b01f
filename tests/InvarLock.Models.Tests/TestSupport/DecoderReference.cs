using System.Diagnostics;
using System.Text.Json;

namespace InvarLock.Models.Tests.TestSupport;

/// <summary>Runs the independent PyTorch float32 decoder reference (tests/tools/decoder_reference.py) on a Hugging Face
/// folder: writes the windows JSON, runs the script with <c>/usr/bin/python3</c> (torch + numpy, one thread) under a
/// timeout, and reads back per-window NLLs and logits. Parity tests compare the C# engine with <see cref="Run"/>.</summary>
internal static class DecoderReference
{
    /// <summary>The interpreter that has Debian's python3-torch and python3-numpy.</summary>
    internal const string Python = "/usr/bin/python3";

    /// <summary>The decoder reference's path in the source tree (found by walking up from the test binaries).</summary>
    internal static string ScriptPath { get; } = FindScript("tests/tools/decoder_reference.py");

    /// <summary>The encoder (BERT / RoBERTa) reference, tests/tools/encoder_reference.py: same arguments and outputs, with
    /// <c>nll</c> the sum over every position of −log p(tok[t]) and <c>token_counts</c> T.</summary>
    internal static string EncoderScriptPath { get; } = FindScript("tests/tools/encoder_reference.py");

    /// <summary>Runs the reference; fails the test (showing stderr) unless it exits 0.</summary>
    /// <param name="modelFolder">A Hugging Face folder (config.json + safetensors).</param>
    /// <param name="windows">Token windows (each at least one token).</param>
    /// <param name="workFolder">Where the windows JSON and the outputs are written (a fresh subfolder is used).</param>
    /// <param name="withLogits">Also write and read [T, vocab] logits per window.</param>
    /// <param name="script">The reference script (<see cref="ScriptPath"/> when null).</param>
    internal static DecoderReferenceResult Run(string modelFolder, IReadOnlyList<int[]> windows, string workFolder,
        bool withLogits = true, string? script = null)
    {
        (int exitCode, string stderr, string outFolder) = RunProcess(modelFolder, windows, workFolder, withLogits, script ?? ScriptPath);
        Assert.True(exitCode == 0, $"{Path.GetFileName(script ?? ScriptPath)} exited {exitCode} on {modelFolder}:\n{stderr}");
        using JsonDocument result = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outFolder, "result.json")));
        JsonElement root = result.RootElement;
        double[] nll = root.GetProperty("nll").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        int[] counts = root.GetProperty("token_counts").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        double[]?[] inv = root.GetProperty("inv_freq").EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Null ? null : e.EnumerateArray().Select(f => f.GetDouble()).ToArray())
            .ToArray();
        int vocab = root.GetProperty("vocab_size").GetInt32();
        float[][]? logits = null;
        if (withLogits)
        {
            logits = new float[windows.Count][];
            for (int w = 0; w < windows.Count; w++)
            {
                logits[w] = ReadFloats(Path.Combine(outFolder, $"logits_{w}.bin"));
                Assert.Equal((long)windows[w].Length * vocab, logits[w].Length);
            }
        }
        return new DecoderReferenceResult(nll, counts, logits, inv, vocab, root.GetProperty("torch").GetString() ?? "");
    }

    /// <summary>Runs the reference expecting a refusal: returns its exit code and stderr.</summary>
    internal static (int ExitCode, string Stderr) RunExpectingFailure(string modelFolder, IReadOnlyList<int[]> windows,
        string workFolder)
    {
        (int exitCode, string stderr, _) = RunProcess(modelFolder, windows, workFolder, withLogits: false, ScriptPath);
        return (exitCode, stderr);
    }

    private static (int ExitCode, string Stderr, string OutFolder) RunProcess(string modelFolder, IReadOnlyList<int[]> windows,
        string workFolder, bool withLogits, string script)
    {
        Assert.True(File.Exists(Python), $"{Python} not found: install Debian python3-torch and python3-numpy");
        string run = Directory.CreateDirectory(Path.Combine(workFolder, $"reference-{Guid.NewGuid():N}")).FullName;
        string windowsPath = Path.Combine(run, "windows.json");
        File.WriteAllText(windowsPath, JsonSerializer.Serialize(new { windows }));
        string outFolder = Path.Combine(run, "out");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(modelFolder);
        start.ArgumentList.Add(windowsPath);
        start.ArgumentList.Add(outFolder);
        if (!withLogits)
        {
            start.ArgumentList.Add("--no-logits");
        }
        start.Environment["OMP_NUM_THREADS"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(script)} timed out after 5 minutes on {modelFolder}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result, outFolder);
    }

    private static string FindScript(string relativePath)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"{relativePath} not found above {AppContext.BaseDirectory}");
    }

    private static float[] ReadFloats(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * sizeof(float));
        return values;
    }
}
