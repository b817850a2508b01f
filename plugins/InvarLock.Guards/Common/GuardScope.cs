using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Common;

/// <summary>What the first-party guards see of one module (see <see cref="GuardScopes.Describe"/>).</summary>
/// <param name="Module">The module name.</param>
/// <param name="Role">Its role.</param>
/// <param name="Layer">Its block index, or -1.</param>
/// <param name="Spectral">The spectral guard's family when it measures the module's weight, else null.</param>
/// <param name="Rmt">The RMT guard's family when it taps the module's output, else null.</param>
/// <param name="Variance">The variance guard's branch (<c>attn</c> or <c>mlp</c>) when the module is a VE target
/// candidate, else null.</param>
internal sealed record GuardScope(string Module, ModuleRole Role, int Layer, string? Spectral, string? Rmt, string? Variance);
