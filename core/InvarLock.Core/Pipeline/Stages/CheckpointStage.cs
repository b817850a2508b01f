using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>Stage 9 (edit runs): the verdict is about the weights the run graded — the edit, as repaired by guards, or
/// undone on rollback. Their digest becomes the subject's, and they are written as a checkpoint folder when the request
/// asks for one and the adapter can write (<see cref="ICheckpointWriter"/>).</summary>
internal static class CheckpointStage
{
    public static WrittenCheckpoint? Run(EvaluationRequest request, CheckedInputs inputs, SubjectModel subject, bool rolledBack, RunContext context)
    {
        if (subject.Edit is null)
        {
            return null;
        }
        string graded = ModelDigests.Weights(subject.Model.Parameters);
        bool repaired = !rolledBack && graded != subject.Facts.WeightsSha256;
        subject.Facts = subject.Facts with { WeightsSha256 = graded };
        if (request.SubjectCheckpoint is not { } target)
        {
            return null;
        }
        if (inputs.Adapter is not ICheckpointWriter writer)
        {
            context.Warnings.Add($"adapter {inputs.Adapter.Descriptor.Name} cannot write checkpoints; the graded model exists only in memory");
            return null;
        }
        context.Observer.StageStarted("write subject checkpoint", 0);
        IReadOnlyList<string> files = writer.WriteCheckpoint(subject.Model, inputs.BaselinePath, target.WriteTo, context.CancellationToken);
        context.Observer.StageCompleted("write subject checkpoint");
        subject.Facts = subject.Facts with { Path = target.FinalPath };
        return new WrittenCheckpoint(target.FinalPath, graded, repaired, files);
    }
}
