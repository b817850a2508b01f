using System.Text.Json.Nodes;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Evaluate;

/// <summary><c>--baseline org/name[@revision]</c> resolved offline from a Hugging Face hub cache laid out as the hub
/// client writes it (blobs, snapshot symlinks, refs files).</summary>
[Trait("Category", "Slow")]
public sealed class HubCacheCliTests : IDisposable
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";
    private static readonly string[] SmallPlan = ["--seq-len", "32", "--preview-n", "4", "--final-n", "4"];
    private readonly TempFolder _temp = new("invarlock-cli-hub");

    public void Dispose() => _temp.Dispose();

    /// <summary>Builds <c>root/models--acme--tiny</c> from a generated checkpoint: each file a blob, linked from the snapshot.</summary>
    private string BuildCache()
    {
        string source = CheckpointFactory.CreateTiny(_temp.Path);
        string root = _temp.Combine("hub");
        string repo = Path.Combine(root, "models--acme--tiny");
        string blobs = Path.Combine(repo, "blobs");
        string snapshot = Path.Combine(repo, "snapshots", Commit);
        Directory.CreateDirectory(blobs);
        Directory.CreateDirectory(snapshot);
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        foreach (string file in Directory.GetFiles(source))
        {
            string blob = Path.Combine(blobs, "blob-" + Path.GetFileName(file));
            File.Copy(file, blob);
            File.CreateSymbolicLink(Path.Combine(snapshot, Path.GetFileName(file)), Path.Combine("..", "..", "blobs", Path.GetFileName(blob)));
        }
        File.WriteAllText(Path.Combine(repo, "refs", "main"), Commit);
        return root;
    }

    [Fact]
    public void Evaluate_HubReferences_ResolveToTheCachedSnapshotAndPass()
    {
        string root = BuildCache();
        string outDir = _temp.Combine("out");
        var env = new Dictionary<string, string?> { ["HF_HUB_CACHE"] = root };

        var (exit, stdout, stderr) = CliRun.Invoke(env,
            ["evaluate", .. SmallPlan, "--baseline", "acme/tiny", "--subject", "acme/tiny@" + Commit, "--out", outDir]);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        JsonObject report = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.report.json")))!.AsObject();
        string snapshot = Path.Combine(root, "models--acme--tiny", "snapshots", Commit);
        Assert.Contains(snapshot, report.ToJsonString().Replace("\\\\", "\\", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(1.0, report["primary_metric"]!["ratio"]!.GetValue<double>());
    }

    [Fact]
    public void Evaluate_HubReferenceNotCached_ExitsTwoNamingTheFoldersSearched()
    {
        string root = BuildCache();
        string outDir = _temp.Combine("out");
        var env = new Dictionary<string, string?> { ["HF_HUB_CACHE"] = root };

        var (exit, _, stderr) = CliRun.Invoke(env, ["evaluate", .. SmallPlan, "--baseline", "acme/tiny@v2", "--edit", "noop", "--out", outDir]);

        Assert.Equal(2, exit);
        Assert.Contains("acme/tiny@v2: not in the Hugging Face cache at revision 'v2'", stderr);
        Assert.Contains(Path.Combine(root, "models--acme--tiny", "snapshots", "v2"), stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
    }
}
