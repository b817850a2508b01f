using System.Globalization;
using System.Text.Json;

namespace InvarLock.Benchmarks;

/// <summary><c>--quick guard-fraction REPORT.json</c>: prints the <c>timing</c> section of an evaluation report as a
/// table, with guard time as a fraction of the run's total and of the evaluation + guard time.</summary>
internal static class GuardFraction
{
    internal static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: --quick guard-fraction REPORT.json");
            return 2;
        }
        using JsonDocument report = JsonDocument.Parse(File.ReadAllBytes(args[0]));
        JsonElement timing = report.RootElement.GetProperty("timing");
        double Seconds(string name) =>
            timing.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
        double total = Seconds("total_seconds");
        double guards = Seconds("guard_seconds");
        double baseline = Seconds("baseline_eval_seconds");
        double subject = Seconds("subject_eval_seconds");
        string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
        string P(double v) => (100 * v / total).ToString("F1", CultureInfo.InvariantCulture) + " %";
        Console.WriteLine("| phase | seconds | share of total |");
        Console.WriteLine("|---|---:|---:|");
        foreach (string name in new[] { "load_seconds", "tokenize_seconds", "baseline_eval_seconds", "subject_eval_seconds", "guard_seconds" })
        {
            Console.WriteLine($"| {name} | {F(Seconds(name))} | {P(Seconds(name))} |");
        }
        if (timing.TryGetProperty("guards", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement g in list.EnumerateArray())
            {
                double prepare = g.GetProperty("prepare_seconds").GetDouble();
                double validate = g.GetProperty("validate_seconds").GetDouble();
                Console.WriteLine($"| guard {g.GetProperty("position").GetInt32()} {g.GetProperty("name").GetString()}: prepare {F(prepare)} + validate {F(validate)} | {F(prepare + validate)} | {P(prepare + validate)} |");
            }
        }
        Console.WriteLine($"| total_seconds | {F(total)} | 100 % |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"guard fraction: {guards / total:P1} of total; {guards / (guards + baseline + subject):P1} of evaluation + guards"));
        return 0;
    }
}
