using System.Numerics.Tensors;
using InvarLock.Numerics;

namespace InvarLock.Compute;

/// <summary>Element-wise activation functions.</summary>
public static class Activations
{
    private const int Chunk = 1024;
    private const int ParallelChunk = 1 << 16;
    private const float SqrtTwoOverPi = 0.7978845608028654f;
    private const float GeluCubic = 0.044715f;

    /// <summary>GELU, tanh form (Hugging Face <c>gelu_new</c>): <c>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))</c>.</summary>
    /// <param name="input">Input values.</param>
    /// <param name="output">Output values (same length; may alias <paramref name="input"/>).</param>
    /// <param name="threads">Worker threads (0 = default); element-wise, so results never depend on it.</param>
    public static unsafe void GeluTanh(ReadOnlySpan<float> input, Span<float> output, int threads = 1)
    {
        CheckLengths(input, output);
        ForChunks(input, output, threads, &GeluTanhChunk);
    }

    /// <summary>GELU, exact form (PyTorch <c>gelu</c>): <c>0.5·x·(1 + erf(x/√2))</c>.</summary>
    public static unsafe void GeluErf(ReadOnlySpan<float> input, Span<float> output, int threads = 1)
    {
        CheckLengths(input, output);
        ForChunks(input, output, threads, &GeluErfChunk);
    }

    /// <summary>SiLU (swish): <c>x · sigmoid(x)</c>, evaluated as PyTorch does, <c>x / (1 + exp(−x))</c>.</summary>
    /// <param name="input">Input values.</param>
    /// <param name="output">Output values (same length; may alias <paramref name="input"/>).</param>
    /// <param name="threads">Worker threads (0 = default); element-wise, so results never depend on it.</param>
    public static unsafe void Silu(ReadOnlySpan<float> input, Span<float> output, int threads = 1)
    {
        CheckLengths(input, output);
        ForChunks(input, output, threads, &SiluChunk);
    }

    /// <summary>SwiGLU: <c>output = silu(gate) · up</c> over contiguous buffers of equal length.</summary>
    /// <remarks><paramref name="output"/> may alias <paramref name="gate"/> or <paramref name="up"/>.</remarks>
    public static void SwiGlu(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> output, int threads = 1)
    {
        CheckGatedLengths(gate, up, output);
        Gated(GatedKind.Silu, gate, 0, up, 0, output, 0, 1, gate.Length, threads);
    }

    /// <summary>SwiGLU over strided rows: row r of gate, up and output start at <c>r·gateStride</c>, <c>r·upStride</c>,
    /// <c>r·outputStride</c>. For a fused <c>[rows, 2·width]</c> gate_up buffer (Phi-3: gate first) pass
    /// <c>gate = buffer</c>, <c>up = buffer[width..]</c> and both strides <c>2·width</c>.</summary>
    /// <remarks>An output row may alias its own gate or up row, but not another row's.</remarks>
    public static void SwiGlu(ReadOnlySpan<float> gate, int gateStride, ReadOnlySpan<float> up, int upStride,
        Span<float> output, int outputStride, int rows, int width, int threads = 1)
    {
        CheckGatedRows(gate, gateStride, up, upStride, output, outputStride, rows, width);
        Gated(GatedKind.Silu, gate, gateStride, up, upStride, output, outputStride, rows, width, threads);
    }

    /// <summary>GeGLU with the tanh GELU (Gemma): <c>output = gelu_tanh(gate) · up</c> over contiguous buffers.</summary>
    /// <remarks><paramref name="output"/> may alias <paramref name="gate"/> or <paramref name="up"/>.</remarks>
    public static void GeGluTanh(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> output, int threads = 1)
    {
        CheckGatedLengths(gate, up, output);
        Gated(GatedKind.GeluTanh, gate, 0, up, 0, output, 0, 1, gate.Length, threads);
    }

    /// <summary>GeGLU (tanh GELU) over strided rows; see the strided <see cref="SwiGlu(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int, int, int, int)"/>.</summary>
    public static void GeGluTanh(ReadOnlySpan<float> gate, int gateStride, ReadOnlySpan<float> up, int upStride,
        Span<float> output, int outputStride, int rows, int width, int threads = 1)
    {
        CheckGatedRows(gate, gateStride, up, upStride, output, outputStride, rows, width);
        Gated(GatedKind.GeluTanh, gate, gateStride, up, upStride, output, outputStride, rows, width, threads);
    }

    private enum GatedKind
    {
        Silu,
        GeluTanh,
    }

    /// <summary>Runs the gated product row by row (parallel over row blocks, or chunks of a single long row).</summary>
    private static unsafe void Gated(GatedKind kind, ReadOnlySpan<float> gate, int gateStride, ReadOnlySpan<float> up, int upStride,
        Span<float> output, int outputStride, int rows, int width, int threads)
    {
        if (rows == 0 || width == 0)
        {
            return;
        }
        int workers = ComputeEnvironment.ResolveThreads(threads);
        // Work items: (row, column chunk) so a single long row parallelises too.
        int chunksPerRow = (width + ParallelChunk - 1) / ParallelChunk;
        int items = rows * chunksPerRow;
        long total = (long)rows * width;
        fixed (float* pg = gate)
        fixed (float* pu = up)
        fixed (float* po = output)
        {
            var job = new GatedJob
            {
                Kind = kind, Gate = pg, GateStride = gateStride, Up = pu, UpStride = upStride,
                Output = po, OutputStride = outputStride, Width = width, ChunksPerRow = chunksPerRow,
            };
            if (workers <= 1 || total < 2 * ParallelChunk)
            {
                for (int item = 0; item < items; item++)
                {
                    GatedItem(in job, item);
                }
                return;
            }
            Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = workers }, item => GatedItem(in job, item));
        }
    }

    private static unsafe void GatedItem(in GatedJob job, int item)
    {
        int row = item / job.ChunksPerRow;
        int start = item % job.ChunksPerRow * ParallelChunk;
        int count = Math.Min(ParallelChunk, job.Width - start);
        var gate = new ReadOnlySpan<float>(job.Gate + (long)row * job.GateStride + start, count);
        var up = new ReadOnlySpan<float>(job.Up + (long)row * job.UpStride + start, count);
        var output = new Span<float>(job.Output + (long)row * job.OutputStride + start, count);
        Span<float> activated = stackalloc float[Chunk];
        for (int i = 0; i < count; i += Chunk)
        {
            int n = Math.Min(Chunk, count - i);
            Span<float> a = activated[..n];
            if (job.Kind == GatedKind.Silu)
            {
                SiluChunk(gate.Slice(i, n), a);
            }
            else
            {
                GeluTanhChunk(gate.Slice(i, n), a);
            }
            TensorPrimitives.Multiply(a, up.Slice(i, n), output.Slice(i, n));
        }
    }

    private unsafe struct GatedJob
    {
        public GatedKind Kind;
        public float* Gate;
        public int GateStride;
        public float* Up;
        public int UpStride;
        public float* Output;
        public int OutputStride;
        public int Width;
        public int ChunksPerRow;
    }

    private static void CheckGatedLengths(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> output)
    {
        if (up.Length != gate.Length || output.Length != gate.Length)
        {
            throw new ArgumentException($"gated activation: gate has {gate.Length} values, up {up.Length}, output {output.Length}");
        }
    }

    private static void CheckGatedRows(ReadOnlySpan<float> gate, int gateStride, ReadOnlySpan<float> up, int upStride,
        Span<float> output, int outputStride, int rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        CheckRows("gate", gate.Length, gateStride, rows, width);
        CheckRows("up", up.Length, upStride, rows, width);
        CheckRows("output", output.Length, outputStride, rows, width);
    }

    private static void CheckRows(string name, int length, int stride, int rows, int width)
    {
        if (rows > 1 && stride < width)
        {
            throw new ArgumentException($"gated activation: {name} row stride {stride} is smaller than the width {width}", name);
        }
        long needed = rows == 0 || width == 0 ? 0 : (long)(rows - 1) * stride + width;
        if (length < needed)
        {
            throw new ArgumentException($"gated activation: {name} holds {length} values, {rows}×{width} with stride {stride} needs {needed}", name);
        }
    }

    private static unsafe void ForChunks(ReadOnlySpan<float> input, Span<float> output, int threads,
        delegate*<ReadOnlySpan<float>, Span<float>, void> body)
    {
        int workers = ComputeEnvironment.ResolveThreads(threads);
        int length = input.Length;
        if (workers <= 1 || length < 2 * ParallelChunk)
        {
            body(input, output);
            return;
        }
        fixed (float* pi = input)
        fixed (float* po = output)
        {
            nint inPtr = (nint)pi, outPtr = (nint)po, fn = (nint)body;
            int blocks = (length + ParallelChunk - 1) / ParallelChunk;
            Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = workers }, b =>
            {
                int start = b * ParallelChunk;
                int count = Math.Min(ParallelChunk, length - start);
                ((delegate*<ReadOnlySpan<float>, Span<float>, void>)fn)(
                    new ReadOnlySpan<float>((float*)inPtr + start, count), new Span<float>((float*)outPtr + start, count));
            });
        }
    }

    private static void GeluTanhChunk(ReadOnlySpan<float> input, Span<float> output)
    {
        Span<float> t = stackalloc float[Chunk];
        for (int i = 0; i < input.Length; i += Chunk)
        {
            int n = Math.Min(Chunk, input.Length - i);
            ReadOnlySpan<float> x = input.Slice(i, n);
            Span<float> y = output.Slice(i, n);
            Span<float> u = t[..n];
            TensorPrimitives.Multiply(x, x, u);                       // x²
            TensorPrimitives.Multiply(u, x, u);                       // x³
            TensorPrimitives.FusedMultiplyAdd(u, GeluCubic, x, u);   // x + 0.044715x³
            TensorPrimitives.Multiply(u, SqrtTwoOverPi, u);
            TensorPrimitives.Tanh(u, u);
            TensorPrimitives.Add(u, 1f, u);
            TensorPrimitives.Multiply(u, x, u);
            TensorPrimitives.Multiply(u, 0.5f, y);
        }
    }

    private static void SiluChunk(ReadOnlySpan<float> input, Span<float> output)
    {
        Span<float> t = stackalloc float[Chunk];
        for (int i = 0; i < input.Length; i += Chunk)
        {
            int n = Math.Min(Chunk, input.Length - i);
            ReadOnlySpan<float> x = input.Slice(i, n);
            Span<float> u = t[..n];
            TensorPrimitives.Negate(x, u);
            TensorPrimitives.Exp(u, u);
            TensorPrimitives.Add(u, 1f, u);
            TensorPrimitives.Divide(x, u, output.Slice(i, n));
        }
    }

    private static void GeluErfChunk(ReadOnlySpan<float> input, Span<float> output)
    {
        for (int i = 0; i < input.Length; i++)
        {
            double x = input[i];
            output[i] = (float)(0.5 * x * (1.0 + NormalDistribution.Erf(x / Math.Sqrt(2.0))));
        }
    }

    private static void CheckLengths(ReadOnlySpan<float> input, Span<float> output)
    {
        if (output.Length != input.Length)
        {
            throw new ArgumentException($"output has {output.Length} values, input {input.Length}", nameof(output));
        }
    }
}
