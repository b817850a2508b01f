using InvarLock.Core.Pipeline;
using InvarLock.Core.Plugins;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Model;

namespace InvarLock.Core;

/// <summary>One evaluation from request to verdict, all in core: the staged pipeline (<see cref="EvaluationRunner"/>),
/// then analysis, gates and the report (<see cref="ReportBuilder"/>), then the exit code (<see cref="ExitCodes"/>). A
/// host writes the report and shows it; it decides nothing.</summary>
public sealed class Evaluator(PluginRegistry registry, RuntimeFacts runtime)
{
    private readonly EvaluationRunner _runner = new(registry, runtime);

    /// <summary>Runs the evaluation <paramref name="request"/> describes.</summary>
    /// <returns>The report and the exit code it implies.</returns>
    public EvaluationOutcome Evaluate(EvaluationRequest request, IRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        EvaluationRun run = _runner.Run(request, observer, cancellationToken);
        EvaluationReport report = ReportBuilder.Build(run);
        return new EvaluationOutcome(report, ExitCodes.ForEvaluation(report));
    }
}
