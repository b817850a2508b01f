using InvarLock.Sdk.Datasets;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>The output of <see cref="PlanStage"/>: the dataset's token stream, the window plan and the baseline's losses
/// on each arm (in the arm's window order).</summary>
internal sealed record PlannedWindows(DatasetContent Content, int StreamTokens, WindowPlan Plan, IReadOnlyList<WindowLoss> BaselinePreview,
    IReadOnlyList<WindowLoss> BaselineFinal, double TokenizeSeconds, double BaselineEvalSeconds);
