using System.Diagnostics;
using InvarLock.Sdk.Datasets;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>Stage 4: the dataset tokenized into one stream (text only, no special tokens); <see cref="WindowSelection"/>
/// spreads the windows over it, each starting with BOS when the baseline's tokenizer prepends one;
/// the baseline is scored on every selected window (the token comparison, if any, records the baseline's outputs on that
/// pass) (or the reused baseline report's losses are taken, after checking it
/// chose the same windows); a non-finite baseline loss is the baseline's fault (IL2009); <see cref="ArmBalancer"/> deals
/// the arms on those losses.</summary>
internal static class PlanStage
{
    /// <summary>The size hint for generated providers: about six characters per token needed, at least 4096.</summary>
    public static int SizeHint(long tokensNeeded) => (int)Math.Min(int.MaxValue / 2, Math.Max(4096, tokensNeeded * 6));

    public static PlannedWindows Run(EvaluationRequest request, RunSetup setup, CheckedInputs inputs, IModel baseline, ITokenComparison? comparison,
        RunContext context)
    {
        var clock = Stopwatch.StartNew();
        context.Observer.StageStarted("tokenize", 0);
        (DatasetContent content, int[] stream) = Tokenize(setup, request, baseline.Tokenizer, inputs.Dataset);
        TokenizerInfo tokenizer = baseline.Tokenizer.Info;
        if (tokenizer.AddBosToken && tokenizer.BosTokenId is null)
        {
            throw new InvarLockException(ErrorCodes.MalformedTokenizer,
                $"{inputs.BaselinePath}: the tokenizer says windows start with BOS but names no BOS token");
        }
        var selection = WindowSelection.Create(stream, request.SequenceLength, setup.Stride, setup.PreviewCount, setup.FinalCount, content.Source,
            tokenizer.AddBosToken ? tokenizer.BosTokenId : null);
        IReusedBaseline? reuse = request.BaselineReport;
        reuse?.CheckSelection(selection);
        if (selection.Stride < selection.SequenceLength)
        {
            context.Warnings.Add($"windows overlap by {(selection.SequenceLength - selection.Stride) / (double)selection.SequenceLength:P1} "
                + $"(stride {selection.Stride} < seq-len {selection.SequenceLength})");
        }
        context.Observer.StageCompleted("tokenize");
        double tokenizeSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        IReadOnlyList<WindowLoss> losses;
        if (reuse is not null)
        {
            losses = reuse.LossesInStreamOrder();
        }
        else
        {
            context.Observer.StageStarted("evaluate baseline", selection.Windows.Count);
            losses = setup.Metric.Score(baseline, new MetricRequest(WindowPlan.AsMemory(selection.Windows))
            {
                Seed = setup.Seed,
                Observer = comparison?.Baseline,
                Progress = context.Progress,
                CancellationToken = context.CancellationToken,
            });
            context.Observer.StageCompleted("evaluate baseline");
        }
        RequireFinite(losses, selection, inputs.BaselinePath);
        var plan = WindowPlan.Create(selection, losses);
        reuse?.CheckPlan(plan);
        (IReadOnlyList<WindowLoss> preview, IReadOnlyList<WindowLoss> final) = plan.Split(losses);
        return new PlannedWindows(content, stream.Length, plan, preview, final, tokenizeSeconds, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Fails on the first non-finite baseline loss: a broken baseline is the baseline's fault, not the edit's.</summary>
    private static void RequireFinite(IReadOnlyList<WindowLoss> losses, WindowSelection selection, string baselinePath)
    {
        for (int i = 0; i < losses.Count; i++)
        {
            if (!double.IsFinite(losses[i].LossSum) || losses[i].TokenCount <= 0)
            {
                EvaluationWindow w = selection.Windows[i];
                throw new InvarLockException(ErrorCodes.BrokenBaseline,
                    $"{baselinePath}: the baseline model's loss is {losses[i].LossSum} on window {w.Id} (start token {w.StartToken}); "
                    + "its weights are broken (NaN or infinite values?), so no subject can be compared against it");
            }
        }
    }

    private static (DatasetContent Content, int[] Stream) Tokenize(RunSetup setup, EvaluationRequest request, ITokenizer tokenizer,
        DatasetContent first)
    {
        // Generated providers honour a size hint; grow it until the stream is long enough (bounded attempts).
        long tokensNeeded = setup.TokensNeeded(request.SequenceLength);
        int hint = SizeHint(tokensNeeded);
        DatasetContent content = first;
        for (int attempt = 0; ; attempt++)
        {
            var stream = new List<int>();
            foreach (string doc in content.Documents)
            {
                stream.AddRange(tokenizer.Encode(doc));
            }
            if (stream.Count >= tokensNeeded || request.DatasetPath is not null || attempt == 3 || hint >= int.MaxValue / 4)
            {
                return (content, stream.ToArray());
            }
            hint *= 2;
            content = setup.Dataset.Load(new DatasetSpec(request.DatasetPath, request.Seed, hint));
        }
    }
}
