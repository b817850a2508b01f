using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace InvarLock.Models.Tests.Tokenizers;

/// <summary>Runs a reference script under node: <c>node SCRIPT NODE_MODULES INPUT.json</c>, whose stdout is a JSON array of
/// id arrays. Shared by the GPT-2 encoder and Hugging Face tokenizers references.</summary>
internal static class NodeScript
{
    internal static int[][] Run(string script, string nodeModules, string inputJson, string installHint)
    {
        string input = Path.Combine(Path.GetTempPath(), $"invarlock-node-input-{Guid.NewGuid():N}.json");
        File.WriteAllText(input, inputJson, new UTF8Encoding(false));
        try
        {
            var start = new ProcessStartInfo("node")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(nodeModules);
            start.ArgumentList.Add(input);
            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                Assert.Fail($"cannot start node ({e.Message}): {installHint}");
                throw;
            }
            using (process)
            {
                var stderr = process.StandardError.ReadToEndAsync();
                string stdout = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                Assert.True(process.ExitCode == 0, $"node failed ({process.ExitCode}): {stderr.Result} — {installHint}");
                return JsonSerializer.Deserialize<int[][]>(stdout)!;
            }
        }
        finally
        {
            File.Delete(input);
        }
    }
}
