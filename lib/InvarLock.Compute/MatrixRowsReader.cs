namespace InvarLock.Compute;

/// <summary>Copies rows <c>[firstRow, firstRow + rowCount)</c> of a row-major float32 matrix into
/// <paramref name="destination"/> (<c>rowCount × cols</c> values), for kernels that stream a matrix in row blocks
/// instead of holding it whole (for example a half-precision weight widened block by block).</summary>
/// <param name="firstRow">The first row to copy.</param>
/// <param name="rowCount">How many rows.</param>
/// <param name="destination">Exactly <c>rowCount × cols</c> values.</param>
public delegate void MatrixRowsReader(int firstRow, int rowCount, Span<float> destination);
