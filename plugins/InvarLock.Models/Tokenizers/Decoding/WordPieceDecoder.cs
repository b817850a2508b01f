namespace InvarLock.Models.Tokenizers.Decoding;

/// <summary><c>WordPiece</c>: a token that starts with the prefix (##) joins the one before it, others get a space
/// before them; with <c>cleanup</c> the spaces BERT puts before punctuation and contractions are removed.</summary>
internal sealed class WordPieceDecoder(string prefix, bool cleanup) : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            string t = tokens[i];
            if (i != 0)
            {
                t = t.StartsWith(prefix, StringComparison.Ordinal) ? t[prefix.Length..] : " " + t;
            }
            if (cleanup)
            {
                t = t.Replace(" .", ".", StringComparison.Ordinal).Replace(" ?", "?", StringComparison.Ordinal)
                    .Replace(" !", "!", StringComparison.Ordinal).Replace(" ,", ",", StringComparison.Ordinal)
                    .Replace(" ' ", "'", StringComparison.Ordinal).Replace(" n't", "n't", StringComparison.Ordinal)
                    .Replace(" 'm", "'m", StringComparison.Ordinal).Replace(" do not", " don't", StringComparison.Ordinal)
                    .Replace(" 's", "'s", StringComparison.Ordinal).Replace(" 've", "'ve", StringComparison.Ordinal)
                    .Replace(" 're", "'re", StringComparison.Ordinal);
            }
            tokens[i] = t;
        }
    }
}
