using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Models.Tests.Safetensors;

/// <summary>Reads a file written independently, by hand with numpy (make_python_fixture.py), with Python's
/// json.dumps spacing rather than our compact header.</summary>
public sealed class PythonWrittenSafetensorsTests : IDisposable
{
    private const string FixtureBase64 =
        "AAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6IHsid3JpdGVyIjogIm51bXB5LWJ5LWhhbmQifSwgImFfZjMyIjogeyJkdHlwZSI6ICJGMzIiLCAic2hhcGUiOiBbMiwgNF0sICJkYXRhX29mZnNldHMiOiBbMCwgMzJdfSwgImJfZjE2IjogeyJkdHlwZSI6ICJGMTYiLCAic2hhcGUiOiBbNl0sICJkYXRhX29mZnNldHMiOiBbMzIsIDQ0XX0sICJjX2JmMTYiOiB7ImR0eXBlIjogIkJGMTYiLCAic2hhcGUiOiBbNV0sICJkYXRhX29mZnNldHMiOiBbNDQsIDU0XX19ICAgICAgAAAAAAAAAIAAAMA/AAAQwAAAgH8AAID/whYBAP//f38APAC4/3sBAAAEAHyAP0DAID4KAH9/";

    private readonly TempFolder _temp = new("st-python");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_NumpyWrittenFile_ReadsEveryDTypeExactly()
    {
        string path = _temp.Combine("numpy.safetensors");
        File.WriteAllBytes(path, Convert.FromBase64String(FixtureBase64));

        using SafetensorsFile file = SafetensorsFile.Open(path);

        Assert.Equal("numpy-by-hand", file.Metadata["writer"]);
        Assert.Equal(["a_f32", "b_f16", "c_bf16"], file.Entries.Select(e => e.Name));
        Assert.Equal([2L, 4L], file.Entries[0].Shape);
        Assert.Equal([0f, -0f, 1.5f, -2.25f, float.PositiveInfinity, float.NegativeInfinity, 1e-40f, 3.4028235e38f],
            file.ReadFloat32("a_f32"));
        Assert.True(float.IsNegative(file.ReadFloat32("a_f32")[1]));
        Assert.Equal([1f, -0.5f, 65504f, 5.9604645e-08f, 6.1035156e-05f, float.PositiveInfinity], file.ReadFloat32("b_f16"));
        float[] bf16Sources = [1f, -3f, 0.15625f, 1e-39f, 3.3895314e38f];
        float[] expected = bf16Sources.Select(Truncate).ToArray();
        Assert.Equal(expected, file.ReadFloat32("c_bf16"));
    }

    private static float Truncate(float value) =>
        BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(value) & 0xFFFF0000u);
}
