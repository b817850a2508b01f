namespace InvarLock.Models.Tokenizers.AddedTokens;

/// <summary>One entry of <c>tokenizer.json</c>'s <c>added_tokens</c>.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Content">Its text.</param>
/// <param name="SingleWord">Matches only with no word char directly before or after it.</param>
/// <param name="Lstrip">A match takes the whitespace before it.</param>
/// <param name="Rstrip">A match takes the whitespace after it.</param>
/// <param name="Normalized">Matched on normalized text (its content normalized too) rather than on the input.</param>
/// <param name="Special">A control token: never matched in evaluation text.</param>
internal sealed record AddedToken(int Id, string Content, bool SingleWord, bool Lstrip, bool Rstrip, bool Normalized, bool Special);
