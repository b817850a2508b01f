using System.Reflection;

namespace InvarLock.Core.Reporting;

/// <summary>The JSON Schema (draft 2020-12) of <c>evaluation.report.json</c>, shipped inside the tool.</summary>
public static class ReportSchema
{
    /// <summary>The manifest resource name of the schema.</summary>
    public const string ResourceName = "InvarLock.Core.Reporting.evaluation.report.schema.json";

    /// <summary>The schema text.</summary>
    public static string Text()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("The report schema resource is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
