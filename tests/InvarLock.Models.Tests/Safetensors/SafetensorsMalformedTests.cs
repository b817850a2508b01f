using System.Text;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tests.Safetensors;

public sealed class SafetensorsMalformedTests : IDisposable
{
    private readonly TempFolder _temp = new("st-malformed");

    public void Dispose() => _temp.Dispose();

    private static string T(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    /// <summary>Case name, file bytes, a fragment the message must contain.</summary>
    public static TheoryData<string, byte[], string> Cases() => new()
    {
        { "empty file", [], "shorter than the 8-byte" },
        { "seven bytes", new byte[7], "shorter than the 8-byte" },
        { "header over 100 MB", RawSafetensors.Build("{}", 0, declaredHeaderLength: 100_000_001), "exceeds the 100000000-byte limit" },
        { "header longer than file", RawSafetensors.Build("{}", 0, declaredHeaderLength: 3), "exceeds the 2 bytes" },
        { "huge declared length", RawSafetensors.Build("{}", 0, declaredHeaderLength: ulong.MaxValue), "exceeds" },
        { "zero-length header", RawSafetensors.Build("", 0), "does not start with '{'" },
        { "invalid UTF-8", RawSafetensors.Build([(byte)'{', 0xC3, 0x28, (byte)'}'], []), "not valid UTF-8" },
        { "leading space", RawSafetensors.Build(" {}", 0), "does not start with '{'" },
        { "not JSON", RawSafetensors.Build("{not json", 0), "not valid JSON" },
        { "trailing garbage", RawSafetensors.Build("{} x", 0), "not valid JSON" },
        { "duplicate tensor", RawSafetensors.Build("{" + T("a", "F32", "[1]", 0, 4) + "," + T("a", "F32", "[1]", 4, 8) + "}", 8), "names 'a' twice" },
        { "missing dtype", RawSafetensors.Build("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "has no dtype" },
        { "missing shape", RawSafetensors.Build("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "has no shape" },
        { "missing offsets", RawSafetensors.Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "has no data_offsets" },
        { "dtype not string", RawSafetensors.Build("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "dtype is not a string" },
        { "unknown dtype", RawSafetensors.Build("{" + T("a", "F128", "[1]", 0, 4) + "}", 4), "unknown dtype 'F128'" },
        { "lower-case dtype", RawSafetensors.Build("{" + T("a", "f32", "[1]", 0, 4) + "}", 4), "unknown dtype 'f32'" },
        { "shape not array", RawSafetensors.Build("{" + T("a", "F32", "4", 0, 4) + "}", 4), "shape is not an array" },
        { "negative dim", RawSafetensors.Build("{" + T("a", "F32", "[-1]", 0, 4) + "}", 4), "not a non-negative integer" },
        { "fractional dim", RawSafetensors.Build("{" + T("a", "F32", "[1.5]", 0, 4) + "}", 4), "not a non-negative integer" },
        { "string dim", RawSafetensors.Build("{" + T("a", "F32", "[\"1\"]", 0, 4) + "}", 4), "not a non-negative integer" },
        { "one offset", RawSafetensors.Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}", 4), "exactly two integers" },
        { "offsets backwards", RawSafetensors.Build("{" + T("a", "F32", "[0]", 4, 0) + "}", 4), "run backwards" },
        { "shape and span disagree", RawSafetensors.Build("{" + T("a", "F32", "[2]", 0, 4) + "}", 4), "needs 8 bytes but data_offsets span 4" },
        { "shape overflow", RawSafetensors.Build("{" + T("a", "F32", "[4294967296,4294967296]", 0, 4) + "}", 4), "too large" },
        { "offset past end", RawSafetensors.Build("{" + T("a", "F32", "[2]", 0, 8) + "}", 4), "past the end of the data section" },
        { "overlap", RawSafetensors.Build("{" + T("a", "F32", "[2]", 0, 8) + "," + T("b", "F32", "[1]", 4, 8) + "}", 8), "overlap" },
        { "gap", RawSafetensors.Build("{" + T("a", "F32", "[1]", 0, 4) + "," + T("b", "F32", "[1]", 8, 12) + "}", 12), "not described by the header (between 'a' and 'b')" },
        { "gap at start", RawSafetensors.Build("{" + T("a", "F32", "[1]", 4, 8) + "}", 8), "at the start of the data section" },
        { "trailing bytes", RawSafetensors.Build("{" + T("a", "F32", "[1]", 0, 4) + "}", 12), "8 bytes after the last tensor" },
        { "data but no tensors", RawSafetensors.Build("{}", 4), "4 bytes after the last tensor" },
        { "entry not object", RawSafetensors.Build("{\"a\":[1,2]}", 0), "tensor 'a' is not a JSON object" },
        { "unexpected field", RawSafetensors.Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4), "unexpected field 'x'" },
        { "metadata not object", RawSafetensors.Build("{\"__metadata__\":[1]}", 0), "__metadata__ is not an object" },
        { "metadata value not string", RawSafetensors.Build("{\"__metadata__\":{\"k\":1}}", 0), "__metadata__ value 'k' is not a string" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Open_MalformedFile_ThrowsMalformedSafetensorsNamingThePath(string caseName, byte[] bytes, string fragment)
    {
        string path = _temp.Combine($"{caseName.Replace(' ', '_')}.safetensors");
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<InvarLockException>(() => SafetensorsFile.Open(path).Dispose());

        Assert.Equal(ErrorCodes.MalformedSafetensors, e.Code);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Open_JsonArrayHeader_IsRefused()
    {
        string path = _temp.Combine("array.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build("[]", 0));
        var e = Assert.Throws<InvarLockException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal(ErrorCodes.MalformedSafetensors, e.Code);
        Assert.Contains("does not start with '{'", e.Message);
    }

    [Fact]
    public void Open_MissingFile_ThrowsMissingFile()
    {
        string path = _temp.Combine("nope.safetensors");
        var e = Assert.Throws<InvarLockException>(() => SafetensorsFile.Open(path));
        Assert.Equal(ErrorCodes.MissingFile, e.Code);
        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void Open_ValidEdgeCases_AreAccepted()
    {
        // No tensors at all; zero-size tensors sharing an offset; metadata null; header padded with spaces.
        string header = "{\"__metadata__\":null," + T("e1", "F32", "[0]", 0, 0) + "," + T("e2", "BF16", "[3,0]", 0, 0) + ","
                        + T("x", "U8", "[3]", 0, 3) + "}   ";
        string path = _temp.Combine("edge.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build(header, 3));
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Equal(["e1", "e2", "x"], file.Entries.Select(e => e.Name));
        Assert.Empty(file.Metadata);

        string emptyPath = _temp.Combine("empty.safetensors");
        File.WriteAllBytes(emptyPath, RawSafetensors.Build("{}", 0));
        using SafetensorsFile empty = SafetensorsFile.Open(emptyPath);
        Assert.Empty(empty.Entries);
    }

    [Fact]
    public void Open_TruncatedCheckpoint_ThrowsMalformedSafetensors()
    {
        string path = _temp.Combine("t.safetensors");
        SafetensorsWriter.Write(path, [new SafetensorsTensor("w", [16, 16], new float[256])]);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length - 1);
        }
        var e = Assert.Throws<InvarLockException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Equal(ErrorCodes.MalformedSafetensors, e.Code);
        Assert.Contains("past the end of the data section", e.Message);
    }
}
