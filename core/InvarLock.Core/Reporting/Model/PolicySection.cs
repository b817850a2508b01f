using System.Text.Json.Nodes;

namespace InvarLock.Core.Reporting.Model;

/// <summary>The resolved policy, its digest, where it came from, and the gate numbers read from it.</summary>
public sealed record PolicySection(string Tier, string Profile, string Sha256, IReadOnlyList<string> Sources, GatePolicySection GatePolicy,
    JsonObject Resolved);
