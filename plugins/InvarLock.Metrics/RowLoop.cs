namespace InvarLock.Metrics;

/// <summary>Runs independent per-row work on up to the model's thread count; each row's result never depends on it.</summary>
internal static class RowLoop
{
    /// <summary>Rows below which the loop stays on the calling thread.</summary>
    private const int ParallelFrom = 32;

    public static void For(int rows, int threads, Action<int> body)
    {
        if (threads <= 1 || rows < ParallelFrom)
        {
            for (int r = 0; r < rows; r++)
            {
                body(r);
            }
            return;
        }
        Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }
}
