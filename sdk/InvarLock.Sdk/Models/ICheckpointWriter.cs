namespace InvarLock.Sdk.Models;

/// <summary>Optional capability of an <see cref="IModelAdapter"/>: writes a model it loaded back out as a checkpoint
/// folder it can load again.</summary>
/// <remarks>The host asks for it with a type test (<c>adapter is ICheckpointWriter</c>); an adapter without it cannot
/// hand an edited model to another tool. Loading the written folder with the same adapter must give the same
/// parameters, bit for bit.</remarks>
public interface ICheckpointWriter
{
    /// <summary>Writes the current weights of <paramref name="model"/> (loaded by this adapter from
    /// <paramref name="sourceFolder"/>) into <paramref name="folder"/>, with the source's config and tokenizer files
    /// copied verbatim.</summary>
    /// <param name="model">A model this adapter loaded from <paramref name="sourceFolder"/>, possibly edited since.</param>
    /// <param name="sourceFolder">The checkpoint folder the model was loaded from.</param>
    /// <param name="folder">The target folder: it must not exist or must be an empty directory. Nothing is left there
    /// when the write fails or is cancelled.</param>
    /// <param name="cancellationToken">Cancels the write between tensors.</param>
    /// <returns>The names of the files written (relative to <paramref name="folder"/>), sorted ordinally.</returns>
    /// <exception cref="Errors.InvarLockException"><see cref="Errors.ErrorCodes.OutputError"/> when
    /// <paramref name="folder"/> is unusable (not empty, a file, not writable); an input error code when the source is
    /// missing or does not describe <paramref name="model"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    IReadOnlyList<string> WriteCheckpoint(IModel model, string sourceFolder, string folder, CancellationToken cancellationToken = default);
}
