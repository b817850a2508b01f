namespace InvarLock.Compute;

/// <summary>The right-hand operand op(B) (<c>k × n</c>) of a matrix product, packed once into the managed GEMM's
/// panel layout so that every later product with it skips repacking.</summary>
/// <remarks>
/// <para>Pack a weight that is multiplied many times (the LM head, each layer's projections) once per model, then call
/// <see cref="Gemm.MatMul(ReadOnlySpan{float}, PackedMatrix, Span{float}, int, ReadOnlySpan{float}, bool, int)"/>. The
/// result is bit-identical to the unpacked call on the matrix it was packed from, for every <see cref="GemmIsa"/> and
/// thread count.</para>
/// <para>Memory: a float32 source packs to float32 (<c>k × ⌈n/16⌉·16</c> floats, about the source's size) and is read
/// in place. A half-precision source stays 16-bit by default (the same count of <see cref="ushort"/>s, the source's
/// size: a 128k × 2048 BF16 head is 512 MiB, not 1 GiB) and is widened one contiguous panel at a time during each
/// product, which is much cheaper than widening and transposing the source; <c>widen: true</c> trades double the memory
/// for skipping even that. The pack is a copy: later changes to the source are not seen.</para>
/// <para>The packed arrays live on the pinned object heap; a <see cref="PackedMatrix"/> is immutable and may be used
/// by any number of threads at once.</para>
/// </remarks>
public sealed class PackedMatrix
{
    private PackedMatrix(int k, int n, HalfFormat? format, float[]? floats, ushort[]? halves)
    {
        K = k;
        N = n;
        Format = format;
        Floats = floats;
        Halves = halves;
    }

    /// <summary>The inner dimension (rows of op(B)).</summary>
    public int K { get; }

    /// <summary>Columns of op(B), and of every product's C.</summary>
    public int N { get; }

    /// <summary>Null when the panels hold float32; otherwise the 16-bit format they hold.</summary>
    public HalfFormat? Format { get; }

    /// <summary>Bytes held by the packed panels.</summary>
    public long ByteCount => Floats is { } f ? f.LongLength * sizeof(float) : Halves!.LongLength * sizeof(ushort);

    /// <summary>Panels of <see cref="ManagedGemmBackend.MicroCols"/> columns across <see cref="N"/>.</summary>
    internal int Panels => (N + ManagedGemmBackend.MicroCols - 1) / ManagedGemmBackend.MicroCols;

    /// <summary>Float32 panels, or null.</summary>
    internal float[]? Floats { get; }

    /// <summary>16-bit panels in <see cref="Format"/>, or null.</summary>
    internal ushort[]? Halves { get; }

    /// <summary>Packs a float32 op(B): B stored <c>k × n</c> or, when <paramref name="transposeB"/>, <c>n × k</c>
    /// (an <c>nn.Linear</c> weight), with row stride <paramref name="ldb"/>.</summary>
    /// <param name="b">B's storage.</param>
    /// <param name="transposeB">True when B is stored <c>n × k</c>.</param>
    /// <param name="k">The inner dimension.</param>
    /// <param name="n">Columns of op(B).</param>
    /// <param name="ldb">Row stride of B's storage (0: its natural stride).</param>
    /// <param name="threads">Worker threads for packing; 0 means <see cref="ComputeEnvironment.Threads"/>.</param>
    /// <exception cref="ArgumentException">The shape, stride or buffer length is inconsistent.</exception>
    public static unsafe PackedMatrix Pack(ReadOnlySpan<float> b, bool transposeB, int k, int n, int ldb = 0, int threads = 0)
    {
        ldb = CheckSource(b.Length, transposeB, k, n, ldb);
        float[] floats = GC.AllocateUninitializedArray<float>(PackedLength(k, n), pinned: true);
        fixed (float* pb = b)
        fixed (float* pf = floats)
        {
            ManagedGemmBackend.PackWhole(transposeB, n, k, pb, null, HalfFormat.Float16, ldb, pf, null, threads);
        }
        return new PackedMatrix(k, n, null, floats, null);
    }

    /// <summary>Packs a 16-bit op(B) read in <paramref name="format"/>; see
    /// <see cref="Pack(ReadOnlySpan{float}, bool, int, int, int, int)"/> for the layout arguments.</summary>
    /// <param name="b">B's storage: 16-bit float bit patterns.</param>
    /// <param name="format">How B's bits are read.</param>
    /// <param name="transposeB">True when B is stored <c>n × k</c>.</param>
    /// <param name="k">The inner dimension.</param>
    /// <param name="n">Columns of op(B).</param>
    /// <param name="ldb">Row stride of B's storage (0: its natural stride).</param>
    /// <param name="widen">True to store the panels widened to float32 (twice the memory, no per-product widening).</param>
    /// <param name="threads">Worker threads for packing; 0 means <see cref="ComputeEnvironment.Threads"/>.</param>
    /// <exception cref="ArgumentException">The shape, stride or buffer length is inconsistent.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a half-precision format.</exception>
    public static unsafe PackedMatrix Pack(ReadOnlySpan<ushort> b, HalfFormat format, bool transposeB, int k, int n, int ldb = 0,
        bool widen = false, int threads = 0)
    {
        if (format is not (HalfFormat.Float16 or HalfFormat.BFloat16))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "not a half-precision format");
        }
        ldb = CheckSource(b.Length, transposeB, k, n, ldb);
        int length = PackedLength(k, n);
        float[]? floats = widen ? GC.AllocateUninitializedArray<float>(length, pinned: true) : null;
        ushort[]? halves = widen ? null : GC.AllocateUninitializedArray<ushort>(length, pinned: true);
        fixed (ushort* pb = b)
        fixed (float* pf = floats)
        fixed (ushort* ph = halves)
        {
            ManagedGemmBackend.PackWhole(transposeB, n, k, null, pb, format, ldb, pf, ph, threads);
        }
        return new PackedMatrix(k, n, widen ? null : format, floats, halves);
    }

    private static int CheckSource(int length, bool transposeB, int k, int n, int ldb)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(ldb);
        (int rows, int cols) = transposeB ? (n, k) : (k, n);
        if (ldb == 0)
        {
            ldb = Math.Max(cols, 1);
        }
        GemmArguments.CheckMatrix("B", rows, cols, length, ldb);
        return ldb;
    }

    private static int PackedLength(int k, int n)
    {
        long length = (long)k * ((n + ManagedGemmBackend.MicroCols - 1) / ManagedGemmBackend.MicroCols * ManagedGemmBackend.MicroCols);
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"B: {k}×{n} is too large to pack ({length} values; at most {Array.MaxLength})", "b");
        }
        return (int)length;
    }
}
