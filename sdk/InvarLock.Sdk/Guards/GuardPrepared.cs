using System.Text.Json.Nodes;

namespace InvarLock.Sdk.Guards;

/// <summary>The result of <see cref="IGuard.Prepare"/>.</summary>
/// <param name="Ready">False when the guard could not prepare (it will then fail closed in validation).</param>
/// <param name="Details">Guard-specific facts captured on the baseline, recorded in the report.</param>
public sealed record GuardPrepared(bool Ready, JsonObject? Details = null);
