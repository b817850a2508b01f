using InvarLock.Sdk.Models;

namespace InvarLock.Models.Decoder;

/// <summary>Which of a model's modules (by index in <see cref="IModel.Modules"/>) an <see cref="IActivationTap"/> wants.</summary>
internal sealed class TapPlan
{
    private readonly IActivationTap _tap;
    private readonly bool[] _wanted;
    private readonly string[] _names;

    private TapPlan(IActivationTap tap, bool[] wanted, string[] names, int headIndex)
    {
        _tap = tap;
        _wanted = wanted;
        _names = names;
        HeadIndex = headIndex;
    }

    /// <summary>Index of the output head module, or −1 when the model has none of its own (a tied head).</summary>
    internal int HeadIndex { get; }

    /// <summary>A plan for <paramref name="tap"/>, or null when the tap wants none of the modules.</summary>
    internal static TapPlan? Create(IActivationTap? tap, IReadOnlyList<ModuleInfo> modules)
    {
        if (tap is null)
        {
            return null;
        }
        IReadOnlySet<string> requested = tap.ModuleNames;
        var wanted = new bool[modules.Count];
        var names = new string[modules.Count];
        bool any = false;
        int head = -1;
        for (int i = 0; i < modules.Count; i++)
        {
            names[i] = modules[i].Name;
            wanted[i] = requested.Contains(names[i]);
            any |= wanted[i];
            if (modules[i].Role == ModuleRole.OutputHead)
            {
                head = i;
            }
        }
        return any ? new TapPlan(tap, wanted, names, head) : null;
    }

    internal bool Wants(int module) => (uint)module < (uint)_wanted.Length && _wanted[module];

    internal void Deliver(int module, int windowIndex, ReadOnlySpan<float> values, int tokens, int width) =>
        _tap.OnActivation(_names[module], windowIndex, values[..(tokens * width)], tokens, width);
}
