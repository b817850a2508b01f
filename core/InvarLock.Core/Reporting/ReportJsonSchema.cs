using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Policy;
using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Reporting.Model;
using InvarLock.Core.Statistics;
using InvarLock.Sdk.Canonical;
using InvarLock.Sdk.Guards;

namespace InvarLock.Core.Reporting;

/// <summary>The JSON Schema (draft 2020-12) of <c>evaluation.report.json</c>, generated from the report types
/// (<see cref="EvaluationReport"/> and its sections) with <see cref="JsonSchemaExporter"/> and the options the report is
/// written with (<see cref="ReportJson.Options"/>), so member names, nullability and required members are the writer's.
/// A transform adds what the types cannot say: closed objects, digest patterns, enumerations, constants and bounds.
/// The copy in <see cref="DocsPath"/> is this schema's text; a test keeps it identical.</summary>
internal static class ReportJsonSchema
{
    /// <summary>The schema's <c>$id</c>.</summary>
    public const string Id = "https://invarlock.dev/schemas/evaluation.report.v1.json";

    /// <summary>Where the repository keeps the generated schema's text (<see cref="Text"/>), relative to its root.</summary>
    public const string DocsPath = "docs/reference/evaluation.report.schema.json";

    /// <summary>The pattern of a lower-case hex SHA-256 digest.</summary>
    public const string Sha256Pattern = "^[0-9a-f]{64}$";

    /// <summary>Digest members whose value a plugin supplies (tokenizer adapters, dataset providers) and the host does not
    /// check; they are left as plain strings.</summary>
    private static readonly HashSet<(Type Type, string Member)> PluginDigests = [(typeof(ModelSection), "tokenizer_sha256"), (typeof(DatasetSection), "sha256")];

    /// <summary>Members whose integers may be negative (the run's seed is any <see cref="int"/>); every other integer is a
    /// count, an id, a position, a length or the bootstrap's seed (<see cref="BootstrapSettings"/>) and has minimum 0.</summary>
    private static readonly HashSet<(Type Type, string Member)> SignedIntegers = [(typeof(RunSection), "seed"), (typeof(DatasetSection), "seed")];

    /// <summary>Keywords added to one member's schema (to its <c>items</c> when the member is an array).</summary>
    private static readonly Dictionary<(Type Type, string Member), Func<JsonObject>> Constraints = new()
    {
        [(typeof(EvaluationReport), "schema_version")] = () => Const(EvaluationReport.CurrentSchemaVersion),
        [(typeof(ToolSection), "name")] = () => Const("invarlock"),
        [(typeof(RuntimeSection), "processor_count")] = () => Minimum(1),
        [(typeof(RuntimeSection), "threads")] = () => Minimum(1),
        [(typeof(RunSection), "profile")] = () => Enum(ProfileSettings.Names),
        [(typeof(RunSection), "tier")] = () => Enum(PolicyResolver.Tiers),
        [(typeof(DatasetSection), "sequence_length")] = () => Minimum(2),
        [(typeof(DatasetSection), "stride")] = () => Minimum(1),
        [(typeof(WindowsSection), "sequence_length")] = () => Minimum(2),
        [(typeof(WindowsSection), "stride")] = () => Minimum(1),
        [(typeof(WindowsSection), "overlap_fraction")] = () => Range(0, 1),
        [(typeof(WindowsSection), "plan_method")] = () => Const(ArmBalancer.Method),
        [(typeof(BootstrapSection), "method")] = () => Enum([BootstrapInterval.PathBca, BootstrapInterval.PathPercentile]),
        [(typeof(BootstrapSection), "replicates")] = () => Minimum(1),
        [(typeof(BootstrapSection), "alpha")] = () => new JsonObject { ["exclusiveMinimum"] = 0, ["exclusiveMaximum"] = 1 },
        [(typeof(BootstrapSection), "path")] = () => Enum([BootstrapInterval.PathBca, BootstrapInterval.PathPercentile,
            BootstrapInterval.PathBcaFallback, BootstrapInterval.PathCollapsed, BootstrapInterval.PathSingleValue]),
        [(typeof(PrimaryMetricSection), "degenerate_reason")] = () => Enum([PrimaryMetricAnalysis.NoPairs, PrimaryMetricAnalysis.SinglePair,
            PrimaryMetricAnalysis.NoVariation]),
        [(typeof(TailSection), "mode")] = () => Enum(["off", "warn", "fail"]),
        [(typeof(TailSection), "min_windows")] = () => Minimum(1),
        [(typeof(TailSection), "quantile")] = () => Range(0, 1),
        [(typeof(TailSection), "epsilon")] = () => Minimum(0),
        [(typeof(TailSection), "tail_mass")] = () => Range(0, 1),
        [(typeof(TailSection), "violations")] = () => Enum([TailStatistics.QuantileMaxExceeded, TailStatistics.TailMassExceeded]),
        [(typeof(GuardSection), "action")] = () => Enum([.. System.Enum.GetNames<GuardAction>().Select(n => n.ToLowerInvariant())]),
        [(typeof(GuardOverheadSection), "threshold")] = () => Minimum(0),
        [(typeof(GatePolicySection), "bootstrap_replicates")] = () => Minimum(1),
        [(typeof(PolicySection), "resolved")] = () => new JsonObject { ["required"] = new JsonArray("tier", "profile", "metrics") },
        [(typeof(GateResult), "comparison")] = () => Enum(["<=", ">=", "==", "in", "none"]),
        [(typeof(ConfidenceLabel), "label")] = () => Enum(["High", "Medium", "Low"]),
        [(typeof(TimingSection), "started_utc")] = () => new JsonObject { ["format"] = "date-time" },
        [(typeof(TimingSection), "finished_utc")] = () => new JsonObject { ["format"] = "date-time" },
    };

    /// <summary>The schema as a fresh JSON tree.</summary>
    public static JsonObject Build()
    {
        // The exporter needs read-only options with a resolver; serialising a report makes them so too (same default resolver).
        ReportJson.Options.MakeReadOnly(populateMissingResolver: true);
        var exporterOptions = new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true, TransformSchemaNode = Transform };
        JsonObject generated = JsonSchemaExporter.GetJsonSchemaAsNode(ReportJson.Options, typeof(EvaluationReport), exporterOptions).AsObject();
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = Id,
            ["title"] = "InvarLock evaluation report v1",
            ["description"] = "evaluation.report.json written by invarlock evaluate; see docs/reference/report-schema.md. Generated from the "
                + "report types (ReportJsonSchema). Numbers are IEEE doubles; non-finite values are written as null.",
        };
        foreach ((string key, JsonNode? value) in generated.ToList())
        {
            generated.Remove(key);
            schema[key] = value;
        }

        return schema;
    }

    /// <summary>The schema's text as the repository keeps it (<see cref="DocsPath"/>): indented, trailing newline.</summary>
    public static string Text() => CanonicalJson.WriteIndented(Build());

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (schema is not JsonObject node)
        {
            return schema;
        }

        if (node["properties"] is JsonObject properties)
        {
            // Every member is written (DefaultIgnoreCondition.Never) and read strictly (unknown members are errors).
            node["additionalProperties"] = false;
            node["required"] = new JsonArray([.. properties.Select(p => JsonValue.Create(p.Key))]);
        }

        // A repeated member is a $ref to its first occurrence, which carries the same constraints.
        if (context.PropertyInfo is { } property && !node.ContainsKey("$ref"))
        {
            Constrain(node, property);
        }

        return node;
    }

    private static void Constrain(JsonObject node, JsonPropertyInfo property)
    {
        (Type, string) key = (property.DeclaringType, property.Name);
        // A list's constraints are its elements'.
        JsonObject target = Has(node, "array") && node["items"] is JsonObject items ? items : node;
        if (Has(target, "integer") && !SignedIntegers.Contains(key))
        {
            target["minimum"] = 0;
        }

        if (Has(target, "string") && property.Name.EndsWith("sha256", StringComparison.Ordinal) && !PluginDigests.Contains(key))
        {
            target["pattern"] = Sha256Pattern;
        }

        if (!Constraints.TryGetValue(key, out Func<JsonObject>? extra))
        {
            return;
        }

        foreach ((string keyword, JsonNode? value) in extra())
        {
            if (keyword is "enum" or "const")
            {
                // The values say the type; a nullable member keeps null as one of them.
                bool nullable = Has(target, "null");
                target.Remove("type");
                if (nullable && value is JsonArray values)
                {
                    values.Add(null);
                }
            }

            target[keyword] = value?.DeepClone();
        }
    }

    /// <summary>True when the schema's <c>type</c> is <paramref name="type"/> or a list holding it.</summary>
    private static bool Has(JsonObject schema, string type) => schema["type"] switch
    {
        JsonValue single => single.GetValue<string>() == type,
        JsonArray many => many.Any(t => t?.GetValue<string>() == type),
        _ => false,
    };

    private static JsonObject Const(string value) => new() { ["const"] = value };

    private static JsonObject Enum(IEnumerable<string> values) => new() { ["enum"] = new JsonArray([.. values.Select(v => JsonValue.Create(v))]) };

    private static JsonObject Minimum(double minimum) => new() { ["minimum"] = minimum };

    private static JsonObject Range(double minimum, double maximum) => new() { ["minimum"] = minimum, ["maximum"] = maximum };
}
