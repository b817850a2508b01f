namespace InvarLock.Models.Tokenizers;

/// <summary>One token of an encoding, for people debugging windows (<c>invarlock tokenize</c>).</summary>
/// <param name="Id">The token id.</param>
/// <param name="Token">The token's vocabulary string (byte-level or ▁ form, as the model stores it).</param>
/// <param name="Start">Start of the input text it covers, in UTF-16 chars.</param>
/// <param name="End">End (exclusive) of the input text it covers, in UTF-16 chars.</param>
/// <param name="Added">True when it is an added token matched in the text rather than a model token.</param>
public readonly record struct EncodedToken(int Id, string Token, int Start, int End, bool Added);
