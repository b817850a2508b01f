using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Edits;

/// <summary>A weight edit applied in place to a model to make the subject.</summary>
public interface IEdit
{
    /// <summary>The edit's name (for example <c>quant_rtn</c>).</summary>
    PluginDescriptor Descriptor { get; }

    /// <summary>Applies the edit to <paramref name="model"/>'s parameters.</summary>
    EditResult Apply(IModel model, EditSpec spec);
}
