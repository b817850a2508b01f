using System.Text.Json.Nodes;
using InvarLock.Core.Policy;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Policy;

/// <summary>The YAML reader's scalar typing, structure and refusals (aliases, duplicate or non-scalar keys, depth).</summary>
public sealed class YamlJsonTests
{
    private static JsonNode? Value(string yamlScalar) => YamlJson.ParseObject($"v: {yamlScalar}", "test.yaml")["v"];

    [Theory]
    [InlineData("")]
    [InlineData("~")]
    [InlineData("null")]
    [InlineData("Null")]
    [InlineData("NULL")]
    public void ParseObject_NullSpelling_Null(string scalar)
    {
        JsonObject doc = YamlJson.ParseObject($"v: {scalar}", "test.yaml");

        Assert.True(doc.ContainsKey("v"));
        Assert.Null(doc["v"]);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    public void ParseObject_BooleanSpelling_Boolean(string scalar, bool expected)
    {
        Assert.Equal(expected, Value(scalar)!.GetValue<bool>());
    }

    [Theory]
    [InlineData("42", 42L)]
    [InlineData("-7", -7L)]
    [InlineData("+5", 5L)]
    public void ParseObject_IntegerScalar_Long(string scalar, long expected)
    {
        Assert.Equal(expected, Value(scalar)!.GetValue<long>());
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("-0.25", -0.25)]
    [InlineData("1e3", 1000.0)]
    public void ParseObject_FloatScalar_Double(string scalar, double expected)
    {
        Assert.Equal(expected, Value(scalar)!.GetValue<double>());
    }

    [Theory]
    [InlineData("'42'", "42")]
    [InlineData("\"true\"", "true")]
    [InlineData("'null'", "null")]
    [InlineData("''", "")]
    [InlineData("abc", "abc")]
    [InlineData("1.2.3", "1.2.3")]
    public void ParseObject_QuotedOrNonNumericScalar_String(string scalar, string expected)
    {
        Assert.Equal(expected, Value(scalar)!.GetValue<string>());
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e999")]
    public void ParseObject_NonFiniteNumberSpelling_StaysString(string scalar)
    {
        JsonObject doc = YamlJson.ParseObject($"v: {scalar}", "test.yaml");

        Assert.Equal(scalar, doc["v"]!.GetValue<string>());
        Assert.Equal($"{{\"v\":\"{scalar}\"}}", doc.ToJsonString());
    }

    [Theory]
    [InlineData("v: |\n  12\n", "12\n")]
    [InlineData("v: >\n  true\n", "true\n")]
    public void ParseObject_BlockScalar_StaysString(string yaml, string expected)
    {
        Assert.Equal(expected, YamlJson.ParseObject(yaml, "test.yaml")["v"]!.GetValue<string>());
    }

    [Fact]
    public void ParseObject_NestedMappingsAndSequences_KeepStructureAndOrder()
    {
        JsonObject doc = YamlJson.ParseObject("a:\n  b: 1\n  c: [x, 2, {d: true}]\ne:\n  - - 3\n    - 4\n  - f\n", "test.yaml");

        Assert.Equal("""{"a":{"b":1,"c":["x",2,{"d":true}]},"e":[[3,4],"f"]}""", doc.ToJsonString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void ParseObject_NoDocument_EmptyObject(string yaml)
    {
        Assert.Empty(YamlJson.ParseObject(yaml, "test.yaml"));
    }

    [Fact]
    public void ParseObject_SecondDocument_Ignored()
    {
        Assert.Equal("""{"a":1}""", YamlJson.ParseObject("a: 1\n---\nb: 2\n", "test.yaml").ToJsonString());
    }

    [Theory]
    [InlineData("- a\n- b\n")]
    [InlineData("42\n")]
    public void ParseObject_TopLevelNotMapping_InvalidPolicy(string yaml)
    {
        var error = Assert.Throws<InvarLockException>(() => YamlJson.ParseObject(yaml, "preset.yaml"));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.Equal("preset.yaml: top level must be a mapping", error.Message);
    }

    [Fact]
    public void ParseObject_Alias_RefusedNamingTheAliasAndLine()
    {
        var error = Assert.Throws<InvarLockException>(() => YamlJson.ParseObject("a: &x 1\nb: *x\n", "preset.yaml"));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.Equal("preset.yaml: invalid YAML at line 2: alias '*x' is not supported (aliases are refused, not expanded)", error.Message);
    }

    [Fact]
    public void ParseObject_DuplicateKey_RefusedNamingTheKeyAndLine()
    {
        var error = Assert.Throws<InvarLockException>(() => YamlJson.ParseObject("a: 1\nb:\n  c: 1\n  c: 2\n", "preset.yaml"));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.Equal("preset.yaml: invalid YAML at line 4: duplicate key 'c'", error.Message);
    }

    [Theory]
    [InlineData("{[a]: 1}\n")]
    [InlineData("? {a: 1}\n: 2\n")]
    public void ParseObject_NonScalarKey_Refused(string yaml)
    {
        var error = Assert.Throws<InvarLockException>(() => YamlJson.ParseObject(yaml, "preset.yaml"));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.EndsWith("mapping keys must be plain scalars", error.Message);
    }

    [Fact]
    public void ParseObject_NestingAtMaxDepth_Accepted()
    {
        // The root mapping is one level; MaxDepth - 1 nested sequences make MaxDepth.
        int sequences = YamlJson.MaxDepth - 1;
        string yaml = "v: " + new string('[', sequences) + new string(']', sequences);

        JsonNode? node = YamlJson.ParseObject(yaml, "deep.yaml")["v"];
        for (int i = 1; i < sequences; i++)
        {
            node = Assert.Single(Assert.IsType<JsonArray>(node));
        }
        Assert.Empty(Assert.IsType<JsonArray>(node));
    }

    [Fact]
    public void ParseObject_NestingOneBeyondMaxDepth_Refused()
    {
        int sequences = YamlJson.MaxDepth;
        string yaml = "v: " + new string('[', sequences) + new string(']', sequences);

        var error = Assert.Throws<InvarLockException>(() => YamlJson.ParseObject(yaml, "deep.yaml"));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.Equal($"deep.yaml: invalid YAML at line 1: nesting is deeper than {YamlJson.MaxDepth} levels", error.Message);
    }

    [Fact]
    public void ParseObject_MalformedYaml_OneLineErrorWithLine()
    {
        var error = Assert.Throws<InvarLockException>(() => YamlJson.ParseObject("a: 1\nb: c: d\n", "preset.yaml"));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.StartsWith("preset.yaml: invalid YAML at line ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(error.Message.Trim(), error.Message);
    }

    [Fact]
    public void ParseObject_NullText_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => YamlJson.ParseObject(null!, "x.yaml"));
    }

    [Fact]
    public void ParseFile_MissingFile_MissingFileNamingThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.yaml");

        var error = Assert.Throws<InvarLockException>(() => YamlJson.ParseFile(path, "preset file"));

        Assert.Equal(ErrorCodes.MissingFile, error.Code);
        Assert.StartsWith(path, error.Message);
    }

    [Fact]
    public void ParseFile_InvalidContent_ErrorNamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "- a\n");
        try
        {
            var error = Assert.Throws<InvarLockException>(() => YamlJson.ParseFile(path, "preset file"));

            Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
            Assert.Equal($"{path}: top level must be a mapping", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ParseFile_LargerThanLimit_InvalidPolicy()
    {
        string path = Path.Combine(Path.GetTempPath(), $"big-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "a: " + new string('x', (int)YamlJson.MaxFileBytes) + "\n");
        try
        {
            var error = Assert.Throws<InvarLockException>(() => YamlJson.ParseFile(path, "preset file"));

            Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
            Assert.StartsWith(path, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
