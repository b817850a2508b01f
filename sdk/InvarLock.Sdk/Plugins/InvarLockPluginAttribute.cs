namespace InvarLock.Sdk.Plugins;

/// <summary>Marks a plugin assembly and names its single entry type, which implements <see cref="IPluginModule"/>.</summary>
/// <param name="moduleType">The type the host instantiates (public, parameterless constructor).</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class InvarLockPluginAttribute(Type moduleType) : Attribute
{
    /// <summary>The entry type.</summary>
    public Type ModuleType { get; } = moduleType;
}
