using InvarLock.Sdk.Datasets;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>The output of <see cref="InputStage"/>: both model folders with the adapters that accept them, and the
/// dataset's content, all checked before any model is loaded.</summary>
internal sealed record CheckedInputs(string BaselinePath, IModelAdapter Adapter, string? SubjectPath, IModelAdapter? SubjectAdapter,
    DatasetContent Dataset, ModelLoadOptions LoadOptions);
