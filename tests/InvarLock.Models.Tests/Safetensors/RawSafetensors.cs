using System.Buffers.Binary;
using System.Text;

namespace InvarLock.Models.Tests.Safetensors;

/// <summary>Builds safetensors bytes by hand, including broken ones.</summary>
internal static class RawSafetensors
{
    public static byte[] Build(string header, int dataBytes, ulong? declaredHeaderLength = null) =>
        Build(Encoding.UTF8.GetBytes(header), new byte[dataBytes], declaredHeaderLength);

    public static byte[] Build(byte[] header, byte[] data, ulong? declaredHeaderLength = null)
    {
        byte[] bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredHeaderLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }
}
