namespace InvarLock.Sdk.Datasets;

/// <summary>Supplies evaluation text. Windowing and pairing are the core's job.</summary>
public interface IDatasetProvider
{
    /// <summary>The provider's name (for example <c>local_text</c>).</summary>
    PluginDescriptor Descriptor { get; }

    /// <summary>Loads the text described by <paramref name="spec"/>.</summary>
    /// <exception cref="Errors.InvarLockException">The source is missing or malformed (code IL2005).</exception>
    DatasetContent Load(DatasetSpec spec);
}
