using InvarLock.Sdk.Plugins;

namespace InvarLock.Edits;

/// <summary>Registers the first-party edits: <c>noop</c> and <c>quant_rtn</c>.</summary>
public sealed class EditsPluginModule : IPluginModule
{
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddEdit(new NoopEdit());
        registrar.AddEdit(new QuantRtnEdit());
    }
}
