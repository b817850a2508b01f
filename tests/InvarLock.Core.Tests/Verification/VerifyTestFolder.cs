using System.Text.Json.Nodes;
using InvarLock.Core.Canonical;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Reporting;

namespace InvarLock.Core.Tests.Verification;

/// <summary>A temporary folder holding a written report, with helpers to tamper with it.</summary>
internal sealed class VerifyTestFolder : IDisposable
{
    public VerifyTestFolder(EvaluationRun run, string name = "run")
    {
        Root = Path.Combine(Path.GetTempPath(), "invarlock-verify-" + Guid.NewGuid().ToString("N"));
        ReportPath = ReportWriter.Write(ReportBuilder.Build(run), Path.Combine(Root, name));
    }

    public string Root { get; }

    public string ReportPath { get; }

    public string ManifestPath => Path.Combine(Path.GetDirectoryName(ReportPath)!, RuntimeManifest.FileName);

    /// <summary>Edits the report's JSON. With <paramref name="reseal"/>, the content digest and the manifest's report hash
    /// are recomputed, so only the check that recomputes the edited value can notice.</summary>
    public void Tamper(Action<JsonObject> edit, bool reseal = true)
    {
        var node = JsonNode.Parse(File.ReadAllText(ReportPath))!.AsObject();
        edit(node);
        if (reseal)
        {
            node["integrity"]!["content_sha256"] = ReportJson.ContentSha256(node);
        }

        string text = CanonicalJson.WriteIndented(node);
        File.WriteAllText(ReportPath, text);
        if (reseal)
        {
            var manifest = JsonNode.Parse(File.ReadAllText(ManifestPath))!.AsObject();
            manifest["report"]!["sha256"] = Digests.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(text));
            File.WriteAllText(ManifestPath, CanonicalJson.WriteIndented(manifest));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
