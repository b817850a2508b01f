namespace InvarLock.Core.Pipeline;

/// <summary>One evaluation window.</summary>
/// <param name="Id">Stable id: the window's index in the token stream (start token = Id × stride).</param>
/// <param name="StartToken">Offset of the first token in the dataset's token stream.</param>
/// <param name="Tokens">The token ids.</param>
/// <param name="TokenSha256">Lower-case hex SHA-256 over the ids as 4-byte little-endian unsigned integers.</param>
public sealed record EvaluationWindow(int Id, long StartToken, int[] Tokens, string TokenSha256);
