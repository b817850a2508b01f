using System.Text.Json.Nodes;
using SdkCanonicalJson = InvarLock.Sdk.Canonical.CanonicalJson;

namespace InvarLock.Guards.Common;

/// <summary>The guards' view of the SDK's RFC 8785 writer: canonical text and the short measurement-contract hash.</summary>
internal static class CanonicalJson
{
    public static string Serialize(JsonNode? node) => SdkCanonicalJson.Serialize(node);

    /// <summary>First 16 lower-case hex digits of SHA-256 over the canonical UTF-8 bytes of <paramref name="node"/>.</summary>
    public static string ShortHash(JsonNode? node) => SdkCanonicalJson.Sha256Hex(node)[..16];

    public static string FormatNumber(double x) => InvarLock.Sdk.Canonical.EcmaScriptNumber.Format(x);
}
