using System.Buffers;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Common;

/// <summary>Receives one chunk of a tensor read by <see cref="TensorReads.ForEachChunk"/>: elements
/// <c>[offset, offset + chunk.Length)</c>, borrowed for the call only.</summary>
internal delegate void TensorChunkVisitor(ReadOnlySpan<float> chunk, long offset);

/// <summary>How the guards read weights: through <see cref="IParameterStore.Read"/>, which widens half-precision tensors into
/// the caller's buffer, never through <see cref="IParameterStore.GetSpan"/> (that gives a half-precision tensor a
/// permanent float32 copy; only writers call it).</summary>
internal static class TensorReads
{
    /// <summary>Elements per chunk of <see cref="ForEachChunk"/> (256 KiB of float32).</summary>
    internal const int ChunkElements = 1 << 16;

    /// <summary>Streams parameter <paramref name="name"/> through one pooled buffer of at most <see cref="ChunkElements"/>
    /// floats, in element order.</summary>
    public static void ForEachChunk(IParameterStore store, string name, long elements, TensorChunkVisitor visit)
    {
        float[] buffer = ArrayPool<float>.Shared.Rent((int)Math.Min(Math.Max(elements, 1), ChunkElements));
        try
        {
            for (long offset = 0; offset < elements; offset += ChunkElements)
            {
                Span<float> chunk = buffer.AsSpan(0, (int)Math.Min(ChunkElements, elements - offset));
                store.Read(name, offset, chunk);
                visit(chunk, offset);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }
}
