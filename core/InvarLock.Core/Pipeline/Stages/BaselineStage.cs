using System.Diagnostics;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>Stage 3: the baseline model loaded, its facts (weights, config and tokenizer digests) taken, and the window
/// length checked against its positions.</summary>
internal static class BaselineStage
{
    public static (IModel Model, ModelFacts Facts, double Seconds) Run(EvaluationRequest request, CheckedInputs inputs, RunContext context)
    {
        var clock = Stopwatch.StartNew();
        context.Observer.StageStarted("load baseline", 0);
        IModel baseline = inputs.Adapter.Load(inputs.BaselinePath, inputs.LoadOptions);
        try
        {
            context.Observer.StageCompleted("load baseline");
            if (request.SequenceLength > baseline.Description.MaxPositions)
            {
                throw new InvarLockException(ErrorCodes.Usage,
                    $"--seq-len {request.SequenceLength} exceeds the model's {baseline.Description.MaxPositions} positions");
            }
            ModelFacts facts = ModelFacts.Of(baseline, inputs.BaselinePath, inputs.Adapter, inputs.BaselinePath);
            request.BaselineReport?.CheckModel(facts);
            return (baseline, facts, clock.Elapsed.TotalSeconds);
        }
        catch
        {
            baseline.Dispose();
            throw;
        }
    }
}
