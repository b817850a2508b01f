using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>The subject during a run (from <see cref="SubjectStage"/>): the loaded or edited model, where it came from,
/// its facts, the edit result and (edit runs) the snapshot that undoes the edit. Later stages may replace the model
/// (a brought subject reloaded after a guard changed it) and the facts (an edit run's graded digest and written path).</summary>
internal sealed class SubjectModel : IDisposable
{
    public SubjectModel(IModel model, string? broughtPath, IModelAdapter adapter, ModelFacts facts, EditResult? edit, IModelSnapshot? preEdit)
    {
        Model = model;
        BroughtPath = broughtPath;
        Adapter = adapter;
        Facts = facts;
        Edit = edit;
        PreEdit = preEdit;
    }

    public IModel Model { get; set; }

    /// <summary>The folder of a brought subject; null for an edit of the baseline.</summary>
    public string? BroughtPath { get; }

    public IModelAdapter Adapter { get; }
    public ModelFacts Facts { get; set; }
    public EditResult? Edit { get; }
    public IModelSnapshot? PreEdit { get; private set; }

    /// <summary>Releases the pre-edit snapshot (once the rollback decision is made).</summary>
    public void DropPreEdit()
    {
        PreEdit?.Dispose();
        PreEdit = null;
    }

    public void Dispose()
    {
        DropPreEdit();
        Model.Dispose();
    }
}
