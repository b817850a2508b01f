namespace InvarLock.Sdk.Plugins;

/// <summary>The kinds of component a plugin can provide.</summary>
public enum PluginKind
{
    /// <summary>A model adapter.</summary>
    Adapter,
    /// <summary>A guard.</summary>
    Guard,
    /// <summary>An edit.</summary>
    Edit,
    /// <summary>A dataset provider.</summary>
    Dataset,
    /// <summary>A primary metric.</summary>
    Metric,
}
