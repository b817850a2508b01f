using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary>One <c>tokenizer.json</c> <c>pre_tokenizer</c>: splits (and may rewrite) the pieces of one stretch of
/// text between added tokens. <paramref name="pieces"/> is replaced by the new pieces, in order, none empty.</summary>
internal interface IPreTokenizer
{
    void PreTokenize(List<NormalizedText> pieces);

    /// <summary>Whether the ids this pre-tokenizer gives depend on where in the original input a piece starts
    /// (<see cref="NormalizedText.OriginalStart"/>) when <paramref name="piecesMayBeSlices"/> says it may be given
    /// pieces cut out of a stretch: then the ids-only path has to track alignment (see <see cref="NormalizedText"/>).
    /// Only <c>Metaspace</c> with <c>prepend_scheme: first</c> reads it.</summary>
    bool NeedsAlignment(bool piecesMayBeSlices) => false;
}
