using System.Globalization;

namespace InvarLock.Benchmarks;

/// <summary>"--name value" look-ups for the <c>--quick</c> modes.</summary>
internal static class QuickArgs
{
    internal static string? Value(string[] args, string name)
    {
        for (int i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == name)
            {
                return args[i + 1];
            }
        }
        return null;
    }

    internal static int Int(string[] args, string name, int fallback) =>
        Value(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
