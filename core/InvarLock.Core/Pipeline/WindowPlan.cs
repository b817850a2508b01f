using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline;

/// <summary>The deterministic windows of an evaluation: the <see cref="WindowSelection"/> spread over the whole token
/// stream, dealt to the preview and final arms by <see cref="ArmBalancer"/> on the baseline's per-window losses. Each arm
/// lists its windows in stream order.</summary>
public sealed class WindowPlan
{
    private readonly bool[] _inPreview;

    private WindowPlan(WindowSelection selection, bool[] inPreview)
    {
        _inPreview = inPreview;
        SequenceLength = selection.SequenceLength;
        Stride = selection.Stride;
        StreamTokens = selection.StreamTokens;
        BosTokenId = selection.BosTokenId;
        var preview = new List<EvaluationWindow>();
        var final = new List<EvaluationWindow>();
        for (int i = 0; i < inPreview.Length; i++)
        {
            (inPreview[i] ? preview : final).Add(selection.Windows[i]);
        }
        Preview = preview;
        Final = final;
    }

    public int SequenceLength { get; }
    public int Stride { get; }
    public long StreamTokens { get; }

    /// <summary>The id every window starts with (<see cref="WindowSelection.BosTokenId"/>), or null.</summary>
    public int? BosTokenId { get; }
    public IReadOnlyList<EvaluationWindow> Preview { get; }
    public IReadOnlyList<EvaluationWindow> Final { get; }

    /// <summary>How the plan was made (<see cref="ArmBalancer.Method"/>).</summary>
    public string Method => ArmBalancer.Method;

    /// <summary>Fraction of each window shared with the next fitted window (0 when stride ≥ sequence length).</summary>
    public double OverlapFraction => Stride >= SequenceLength ? 0 : (SequenceLength - Stride) / (double)SequenceLength;

    /// <summary>Deals <paramref name="selection"/> to the arms using the baseline's losses, one per selected window in
    /// stream order (all finite).</summary>
    public static WindowPlan Create(WindowSelection selection, IReadOnlyList<WindowLoss> baselineLosses)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var ids = new int[selection.Windows.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = selection.Windows[i].Id;
        }
        return new WindowPlan(selection, ArmBalancer.Assign(ids, baselineLosses, selection.PreviewCount));
    }

    /// <summary>Splits per-window values given in stream order (one per selected window) into the two arms.</summary>
    public (IReadOnlyList<T> Preview, IReadOnlyList<T> Final) Split<T>(IReadOnlyList<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != _inPreview.Length)
        {
            throw new ArgumentException($"{values.Count} values for {_inPreview.Length} windows.", nameof(values));
        }
        var preview = new List<T>(Preview.Count);
        var final = new List<T>(Final.Count);
        for (int i = 0; i < values.Count; i++)
        {
            (_inPreview[i] ? preview : final).Add(values[i]);
        }
        return (preview, final);
    }

    /// <summary>The inverse of <see cref="Split{T}"/> for stored arms: per-window values of both arms (each with its
    /// window ids) merged into stream (ascending id) order.</summary>
    public static List<(int Id, T Value)> InStreamOrder<T>(IReadOnlyList<int> previewIds, IReadOnlyList<T> preview,
        IReadOnlyList<int> finalIds, IReadOnlyList<T> final)
    {
        ArgumentNullException.ThrowIfNull(previewIds);
        ArgumentNullException.ThrowIfNull(preview);
        ArgumentNullException.ThrowIfNull(finalIds);
        ArgumentNullException.ThrowIfNull(final);
        var list = new List<(int Id, T Value)>(preview.Count + final.Count);
        for (int i = 0; i < preview.Count; i++)
        {
            list.Add((previewIds[i], preview[i]));
        }
        for (int i = 0; i < final.Count; i++)
        {
            list.Add((finalIds[i], final[i]));
        }
        list.Sort((a, b) => a.Id.CompareTo(b.Id));
        return list;
    }

    /// <summary>Token ids of windows, as memory for <see cref="IModel.Evaluate"/>.</summary>
    public static IReadOnlyList<ReadOnlyMemory<int>> AsMemory(IReadOnlyList<EvaluationWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var list = new ReadOnlyMemory<int>[windows.Count];
        for (int i = 0; i < windows.Count; i++)
        {
            list[i] = windows[i].Tokens;
        }
        return list;
    }
}
