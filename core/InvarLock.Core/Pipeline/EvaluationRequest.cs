using System.Text.Json;

namespace InvarLock.Core.Pipeline;

/// <summary>Everything a run needs to know, as the user gave it.</summary>
public sealed record EvaluationRequest
{
    /// <summary>Baseline checkpoint folder.</summary>
    public required string BaselinePath { get; init; }
    /// <summary>A prior report, already read and verified, whose baseline windows and losses are reused (the baseline model
    /// is still loaded for the guards and checked against the report's weights digest).</summary>
    public IReusedBaseline? BaselineReport { get; init; }
    /// <summary>Subject checkpoint folder (bring your own edit); exclusive with <see cref="EditName"/>.</summary>
    public string? SubjectPath { get; init; }
    /// <summary>Edit applied to a copy of the baseline to make the subject.</summary>
    public string? EditName { get; init; }
    /// <summary>Where an edit run writes the checkpoint it graded (null: not written; the report then says the graded
    /// model exists only in memory).</summary>
    public CheckpointOutput? SubjectCheckpoint { get; init; }
    /// <summary>Edit parameters (a JSON object); default empty.</summary>
    public JsonElement EditParameters { get; init; }
    /// <summary>Adapter name, or null to pick the first adapter that recognises the folder.</summary>
    public string? Adapter { get; init; }
    public string DatasetName { get; init; } = "synthetic";
    public string? DatasetPath { get; init; }
    public int SequenceLength { get; init; } = 128;
    /// <summary>Tokens between window starts; null means <see cref="SequenceLength"/> (non-overlapping).</summary>
    public int? Stride { get; init; }
    /// <summary>Preview windows; null means the profile's count.</summary>
    public int? PreviewCount { get; init; }
    /// <summary>Final windows; null means the profile's count.</summary>
    public int? FinalCount { get; init; }
    public int Seed { get; init; } = 42;
    public string Tier { get; init; } = "balanced";
    public string Profile { get; init; } = "dev";
    public string? PresetPath { get; init; }
    public IReadOnlyList<string> PolicyOverrides { get; init; } = [];
    public string? PrimaryMetric { get; init; }
    /// <summary>Compute threads (0 = all processors).</summary>
    public int Threads { get; init; }
    /// <summary>The environment the run sees (the host's injected one), for <c>INVARLOCK_CONFIG_ROOT</c> and the like;
    /// null reads the process environment.</summary>
    public Func<string, string?>? Environment { get; init; }
    /// <summary>Accept configs that ask for remote code (nothing from the folder is executed).</summary>
    public bool AllowRemoteCodeConfig { get; init; }
}
