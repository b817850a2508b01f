using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Models.Tests.Safetensors;

public sealed class SafetensorsRoundTripTests : IDisposable
{
    private readonly TempFolder _temp = new("st-roundtrip");

    public void Dispose() => _temp.Dispose();

    private static readonly float[] SpecialValues =
    [
        0f, -0f, 1f, -2.5f, float.PositiveInfinity, float.NegativeInfinity, float.NaN,
        float.Epsilon, -float.Epsilon, 1.17549435e-38f /* smallest normal */, 1.1754942e-38f /* largest subnormal */,
        float.MaxValue, float.MinValue, 3.14159274f, 1e-20f,
    ];

    [Fact]
    public void WriteF32_ThenRead_IsBitExact()
    {
        string path = _temp.Combine("f32.safetensors");
        SafetensorsWriter.Write(path, [new SafetensorsTensor("t", [3, 5], SpecialValues)]);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        float[] back = file.ReadFloat32("t");

        Assert.Equal(SafetensorsDType.F32, file.Entries[0].DType);
        Assert.Equal([3L, 5L], file.Entries[0].Shape);
        AssertBitEqual(SpecialValues, back);
    }

    [Fact]
    public void WriteF16_RepresentableValues_AreExact()
    {
        float[] values =
        [
            0f, -0f, 1f, -1f, 0.5f, 65504f /* half max */, -65504f, 6.1035156e-05f /* smallest normal 2^-14 */,
            5.9604645e-08f /* smallest subnormal 2^-24 */, -5.9604645e-08f, 3.0517578e-05f /* subnormal 2^-15 */,
            6.0975552e-05f /* largest subnormal (1023 * 2^-24) */, float.PositiveInfinity, float.NegativeInfinity, 1.5f,
        ];
        float[] back = RoundTrip(values, SafetensorsDType.F16);
        AssertBitEqual(values, back);

        float[] nan = RoundTrip([float.NaN], SafetensorsDType.F16);
        Assert.True(float.IsNaN(nan[0]));
    }

    [Fact]
    public void WriteF16_RoundsToNearestEven_AndOverflowsToInfinity()
    {
        float[] values =
        [
            1f + MathF.Pow(2, -11),        // exactly between 1 and 1+2^-10: ties to even (1)
            1f + 3 * MathF.Pow(2, -11),    // between 1+2^-10 and 1+2^-9: ties to even (1+2^-9)
            65520f,                        // half-way above the largest half: rounds to infinity
            2.9802322e-08f,                // 2^-25, half of the smallest subnormal: ties to even (0)
            4.4703484e-08f,                // 1.5 * 2^-25: rounds up to 2^-24
        ];
        float[] back = RoundTrip(values, SafetensorsDType.F16);
        Assert.Equal(1f, back[0]);
        Assert.Equal(1f + MathF.Pow(2, -9), back[1]);
        Assert.Equal(float.PositiveInfinity, back[2]);
        Assert.Equal(0f, back[3]);
        Assert.Equal(5.9604645e-08f, back[4]);
    }

    [Fact]
    public void WriteBF16_RepresentableValues_AreExact()
    {
        float[] values =
        [
            0f, -0f, 1f, -3f, 0.15625f, float.PositiveInfinity, float.NegativeInfinity,
            BitConverter.UInt32BitsToSingle(0x00010000) /* bf16 smallest subnormal 2^-133 */,
            BitConverter.UInt32BitsToSingle(0x007F0000) /* bf16 largest subnormal */,
            BitConverter.UInt32BitsToSingle(0x00800000) /* smallest normal */,
            BitConverter.UInt32BitsToSingle(0x7F7F0000) /* bf16 max */,
        ];
        float[] back = RoundTrip(values, SafetensorsDType.BF16);
        AssertBitEqual(values, back);

        float[] nan = RoundTrip([float.NaN, -float.NaN], SafetensorsDType.BF16);
        Assert.True(float.IsNaN(nan[0]));
        Assert.True(float.IsNaN(nan[1]));
    }

    [Fact]
    public void WriteBF16_RoundsToNearestEven()
    {
        float[] values =
        [
            BitConverter.UInt32BitsToSingle(0x3F808000), // tie, lower half even: stays 0x3F80
            BitConverter.UInt32BitsToSingle(0x3F818000), // tie, lower half odd: goes to 0x3F82
            BitConverter.UInt32BitsToSingle(0x3F808001), // just above the tie: up to 0x3F81
            BitConverter.UInt32BitsToSingle(0x7F7FFFFF), // float max: rounds to infinity
        ];
        float[] back = RoundTrip(values, SafetensorsDType.BF16);
        Assert.Equal(0x3F800000u, BitConverter.SingleToUInt32Bits(back[0]));
        Assert.Equal(0x3F820000u, BitConverter.SingleToUInt32Bits(back[1]));
        Assert.Equal(0x3F810000u, BitConverter.SingleToUInt32Bits(back[2]));
        Assert.Equal(float.PositiveInfinity, back[3]);
    }

    [Fact]
    public void WriteF64_ThenRead_IsExact()
    {
        float[] back = RoundTrip(SpecialValues, SafetensorsDType.F64);
        AssertBitEqual(SpecialValues, back);
    }

    [Fact]
    public void Write_HeaderLayout_MatchesReferenceWriter()
    {
        string path = _temp.Combine("layout.safetensors");
        var tensors = new List<SafetensorsTensor>
        {
            new("b", [2], [1f, 2f]),
            new("a", [1, 3], [3f, 4f, 5f]),
            new("scalar", [], [7f]),
            new("empty", [0, 4], []),
        };
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["a"] = "x" });

        byte[] bytes = File.ReadAllBytes(path);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.StartsWith("{\"__metadata__\":{\"a\":\"x\",\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[1,3],\"data_offsets\":[0,12]}", header);
        Assert.InRange(header.Length - header.TrimEnd(' ').Length, 0, 7);
        Assert.EndsWith("}", header.TrimEnd(' '));
        using JsonDocument doc = JsonDocument.Parse(header);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["__metadata__", "a", "b", "empty", "scalar"], names);
        Assert.Equal(8 + (long)headerLength + 4 * (3 + 2 + 0 + 1), bytes.LongLength);

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal([7f], file.ReadFloat32("scalar"));
        Assert.Empty(file.ReadFloat32("empty"));
        Assert.Equal(1L, file.Entries.Single(e => e.Name == "scalar").ElementCount);
        Assert.Equal([1f, 2f], file.ReadFloat32("b"));
    }

    [Fact]
    public void Write_OverExistingFile_ReplacesItAndLeavesNoTemporaryFile()
    {
        string path = _temp.Combine("w.safetensors");
        File.WriteAllText(path, "old contents");
        SafetensorsWriter.Write(path, [new SafetensorsTensor("x", [1], [42f])]);

        using (SafetensorsFile file = SafetensorsFile.Open(path))
        {
            Assert.Equal([42f], file.ReadFloat32("x"));
        }
        Assert.Equal(["w.safetensors"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_SameInput_IsByteIdentical()
    {
        string a = _temp.Combine("a.safetensors");
        string b = _temp.Combine("b.safetensors");
        var tensors = new List<SafetensorsTensor> { new("z", [2, 2], [1f, 2f, 3f, 4f]), new("y", [1], [0.5f]) };
        SafetensorsWriter.Write(a, tensors);
        SafetensorsWriter.Write(b, [tensors[1], tensors[0]]);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }

    [Fact]
    public void Write_DuplicateNameOrWrongShape_Throws()
    {
        string path = _temp.Combine("bad.safetensors");
        Assert.Throws<ArgumentException>(() =>
            SafetensorsWriter.Write(path, [new SafetensorsTensor("x", [1], [1f]), new SafetensorsTensor("x", [1], [2f])]));
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, [new SafetensorsTensor("x", [2], [1f])]));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Write_StreamingLayout_IsByteIdenticalToArrays()
    {
        string arrays = _temp.Combine("arrays.safetensors");
        string streamed = _temp.Combine("streamed.safetensors");
        float[] big = Enumerable.Range(0, 150_000).Select(i => i * 0.001f).ToArray(); // more than two write chunks
        var tensors = new List<SafetensorsTensor> { new("z", [2, 2], [1f, 2f, 3f, 4f]), new("big", [big.Length], big), new("y", [1], [0.5f]) };
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        SafetensorsWriter.Write(arrays, tensors, metadata, SafetensorsDType.BF16);
        var asked = new List<string>();

        SafetensorsWriter.Write(streamed, tensors.Select(t => new Sdk.Models.ParameterInfo(t.Name, t.Shape)).ToList(), name =>
        {
            asked.Add(name);
            return tensors.Single(t => t.Name == name).Data;
        }, metadata, SafetensorsDType.BF16);

        Assert.Equal(File.ReadAllBytes(arrays), File.ReadAllBytes(streamed));
        Assert.Equal(["big", "y", "z"], asked);
    }

    [Fact]
    public void Write_StreamingWrongLengthOrCancelled_ThrowsAndLeavesNoFile()
    {
        string path = _temp.Combine("s.safetensors");
        Sdk.Models.ParameterInfo[] layout = [new("a", [2]), new("b", [3])];
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, layout, _ => new float[2]));
        using var cancellation = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => SafetensorsWriter.Write(path, layout, name =>
        {
            cancellation.Cancel();
            return new float[name == "a" ? 2 : 3];
        }, cancellationToken: cancellation.Token));
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void ReadFloat32_IntoSpanOfWrongLength_Throws()
    {
        string path = _temp.Combine("s.safetensors");
        SafetensorsWriter.Write(path, [new SafetensorsTensor("x", [3], [1f, 2f, 3f])]);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Throws<ArgumentException>(() => file.ReadFloat32("x", new float[2]));
        Assert.Throws<KeyNotFoundException>(() => file.ReadFloat32("missing"));
        var into = new float[3];
        file.ReadFloat32("x", into);
        Assert.Equal([1f, 2f, 3f], into);
    }

    [Fact]
    public void Read_MixedDTypesWrittenByHand_ConvertsEach()
    {
        // F16 1.0 = 0x3C00, BF16 -2.0 = 0xC000, F64 0.25, I64 tensor that must not read as float.
        byte[] data = new byte[2 + 2 + 8 + 8];
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(0), 0x3C00);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2), 0xC000);
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(4), 0.25);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(12), 7);
        string header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}," +
                        "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[2,4]}," +
                        "\"d\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[4,12]}," +
                        "\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[12,20]}}";
        string path = _temp.Combine("mixed.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build(Encoding.UTF8.GetBytes(header), data));

        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Equal([1f], file.ReadFloat32("h"));
        Assert.Equal([-2f], file.ReadFloat32("b"));
        Assert.Equal([0.25f], file.ReadFloat32("d"));
        var e = Assert.Throws<Sdk.Errors.InvarLockException>(() => file.ReadFloat32("i"));
        Assert.Equal(Sdk.Errors.ErrorCodes.MalformedSafetensors, e.Code);
        Assert.StartsWith(path + ": ", e.Message);
    }

    private float[] RoundTrip(float[] values, SafetensorsDType dtype)
    {
        string path = _temp.Combine($"rt-{Guid.NewGuid():N}.safetensors");
        SafetensorsWriter.Write(path, [new SafetensorsTensor("t", [values.Length], values)], dtype: dtype);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        Assert.Equal(dtype, file.Entries[0].DType);
        return file.ReadFloat32("t");
    }

    private static void AssertBitEqual(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(expected[i]))
            {
                Assert.True(float.IsNaN(actual[i]), $"index {i}: expected NaN, got {actual[i]}");
                continue;
            }
            Assert.True(BitConverter.SingleToUInt32Bits(expected[i]) == BitConverter.SingleToUInt32Bits(actual[i]),
                $"index {i}: expected {expected[i]:R} (0x{BitConverter.SingleToUInt32Bits(expected[i]):X8}), got {actual[i]:R} (0x{BitConverter.SingleToUInt32Bits(actual[i]):X8})");
        }
    }
}
