using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary>One <c>tokenizer.json</c> <c>pre_tokenizer</c>: splits (and may rewrite) the pieces of one stretch of
/// text between added tokens. <paramref name="pieces"/> is replaced by the new pieces, in order, none empty.</summary>
internal interface IPreTokenizer
{
    void PreTokenize(List<NormalizedText> pieces);
}
