using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace InvarLock.Benchmarks;

/// <summary>A summary column with 2·m·k·n / time for benchmarks that have an "m×k×n" <c>Shape</c> parameter: by default
/// from the mean time; with <c>fromMinimum</c> from the fastest iteration (the better figure on a shared, loaded machine).</summary>
public sealed class GflopsColumn(bool fromMinimum = false) : IColumn
{
    public string Id => nameof(GflopsColumn) + (fromMinimum ? ".Min" : "");
    public string ColumnName => fromMinimum ? "GFLOP/s (best)" : "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => fromMinimum
        ? "Floating-point operations per second of the fastest iteration: 2·m·k·n / min time"
        : "Floating-point operations per second: 2·m·k·n / mean time";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        object? shape = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Shape")?.Value;
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        double? meanNs = fromMinimum ? statistics?.Min : statistics?.Mean;
        if (shape is not string text || meanNs is not > 0)
        {
            return "-";
        }
        double flops = 2.0;
        foreach (string part in text.Split('x'))
        {
            flops *= double.Parse(part, CultureInfo.InvariantCulture);
        }
        return (flops / meanNs.Value).ToString("F1", CultureInfo.InvariantCulture);
    }
}
