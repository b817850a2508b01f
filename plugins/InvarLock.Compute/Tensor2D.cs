namespace InvarLock.Compute;

/// <summary>A row-major float32 matrix over an array (a view: the array is shared, not copied).</summary>
public readonly struct Tensor2D
{
    /// <summary>Wraps <paramref name="data"/> as <paramref name="rows"/> × <paramref name="cols"/>.</summary>
    public Tensor2D(float[] data, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if ((long)rows * cols > data.Length)
        {
            throw new ArgumentException($"{rows}×{cols} does not fit in {data.Length} values", nameof(data));
        }
        Data = data;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>Allocates a zeroed <paramref name="rows"/> × <paramref name="cols"/> matrix.</summary>
    public static Tensor2D Zeros(int rows, int cols) => new(new float[checked(rows * cols)], rows, cols);

    /// <summary>The backing array.</summary>
    public float[] Data { get; }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns (also the row stride).</summary>
    public int Cols { get; }

    /// <summary>The <c>Rows × Cols</c> values.</summary>
    public Span<float> Span => Data.AsSpan(0, Rows * Cols);

    /// <summary>Row <paramref name="row"/>.</summary>
    public Span<float> Row(int row) => Data.AsSpan(row * Cols, Cols);

    /// <summary>Element (row, col).</summary>
    public ref float this[int row, int col] => ref Data[row * Cols + col];
}
