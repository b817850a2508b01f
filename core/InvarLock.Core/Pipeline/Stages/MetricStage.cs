using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>Stage 3b: the primary metric settled against the baseline's objective. A metric named on the command line
/// must score that objective (else exit 2); without a name, the first-party metric for the objective runs
/// (<c>ppl_causal</c> for causal LMs, <c>ppl_mlm</c> for masked LMs).</summary>
internal static class MetricStage
{
    /// <summary>The metric PolicyStage checks when none is named (the causal default).</summary>
    public const string DefaultName = "ppl_causal";

    public static RunSetup Run(EvaluationRequest request, RunSetup setup, IModel baseline, RunContext context)
    {
        string objective = baseline.Description.Objective;
        IPrimaryMetric metric;
        if (request.PrimaryMetric is { } named)
        {
            metric = context.Registry.GetMetric(named);
            if (metric.Objective != objective)
            {
                throw new InvarLockException(ErrorCodes.Usage,
                    $"--metric {named} scores {metric.Objective} models, but the baseline is a {objective} model");
            }
        }
        else
        {
            metric = context.Registry.DefaultMetric(objective)
                ?? throw new InvarLockException(ErrorCodes.Usage, $"no registered metric scores {objective} models (pass --metric)");
        }
        context.Use(metric, PluginKind.Metric);
        return setup with { Metric = metric };
    }
}
