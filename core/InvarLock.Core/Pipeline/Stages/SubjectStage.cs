using System.Text.Json;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>Stage 6: the subject — the brought checkpoint loaded, or the edit applied to a fresh copy of the baseline
/// (with a snapshot that can undo it); its tokenizer must be the baseline's. The baseline model is already disposed: only its tokenizer digest is needed.</summary>
internal static class SubjectStage
{
    public static SubjectModel Run(EvaluationRequest request, RunSetup setup, CheckedInputs inputs, string baselineTokenizerSha256, RunContext context)
    {
        context.Observer.StageStarted("load subject", 0);
        SubjectModel subject;
        if (inputs.SubjectPath is { } brought)
        {
            IModel model = inputs.SubjectAdapter!.Load(brought, inputs.LoadOptions);
            subject = new SubjectModel(model, brought, inputs.SubjectAdapter, ModelFacts.Of(model, brought, inputs.SubjectAdapter, brought), null, null);
        }
        else
        {
            IModel model = inputs.Adapter.Load(inputs.BaselinePath, inputs.LoadOptions);
            IModelSnapshot? preEdit = null;
            try
            {
                preEdit = model.Snapshot();
                JsonElement parameters = request.EditParameters.ValueKind == JsonValueKind.Undefined
                    ? JsonSerializer.SerializeToElement(new Dictionary<string, object>()) : request.EditParameters;
                EditResult edit = setup.Edit!.Apply(model, new EditSpec(parameters, request.Seed));
                subject = new SubjectModel(model, null, inputs.Adapter,
                    ModelFacts.Of(model, inputs.BaselinePath, inputs.Adapter, $"{inputs.BaselinePath} + edit {request.EditName}"), edit, preEdit);
            }
            catch
            {
                preEdit?.Dispose();
                model.Dispose();
                throw;
            }
        }
        context.Observer.StageCompleted("load subject");
        if (subject.Model.Tokenizer.Info.Sha256 != baselineTokenizerSha256)
        {
            string where = subject.BroughtPath ?? inputs.BaselinePath;
            TokenizerInfo info = subject.Model.Tokenizer.Info;
            string mine = info.Sha256[..12], theirs = baselineTokenizerSha256[..12];
            string bos = info.AddBosToken ? $"starts windows with BOS {info.BosTokenId}" : "adds no BOS";
            subject.Dispose();
            // The digest covers the vocabulary, every component and the BOS rule (docs/tokenizers.md): the baseline decides.
            throw new InvarLockException(ErrorCodes.PairingMismatch,
                $"{where}: tokenizer differs from the baseline's ({mine} vs {theirs}; vocabulary, pipeline or BOS rule — this one {bos}); windows cannot be paired");
        }
        return subject;
    }
}
