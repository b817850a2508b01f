namespace InvarLock.Models.Tokenizers.Decoding;

/// <summary>One <c>tokenizer.json</c> <c>decoder</c> (Hugging Face's <c>decode_chain</c>): rewrites the list of token
/// strings; the decoded text is their concatenation at the end.</summary>
internal interface ITokenDecoder
{
    void Decode(List<string> tokens);
}
