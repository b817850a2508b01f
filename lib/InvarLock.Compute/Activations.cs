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
