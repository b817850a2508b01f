using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Tokenizers;

/// <summary>Finds and loads the tokenizer of a Hugging Face model folder.</summary>
public static class TokenizerLoader
{
    /// <summary>Loads <c>tokenizer.json</c> when the folder has one, otherwise <c>vocab.json</c> + <c>merges.txt</c>.
    /// Both must describe GPT-2 style byte-level BPE (see <see cref="Gpt2BpeTokenizer"/>).</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> when neither form is present;
    /// <see cref="ErrorCodes.MalformedTokenizer"/> when the files are malformed or not byte-level BPE.</exception>
    public static ITokenizer Load(string modelFolder)
    {
        ArgumentNullException.ThrowIfNull(modelFolder);
        string tokenizerJson = Path.Combine(modelFolder, "tokenizer.json");
        if (Path.Exists(tokenizerJson))
        {
            return Gpt2BpeTokenizer.FromTokenizerJson(tokenizerJson);
        }
        string vocab = Path.Combine(modelFolder, "vocab.json");
        string merges = Path.Combine(modelFolder, "merges.txt");
        if (Path.Exists(vocab) && Path.Exists(merges))
        {
            return Gpt2BpeTokenizer.FromVocabAndMerges(vocab, merges);
        }
        throw new InvarLockException(ErrorCodes.MissingFile, $"{modelFolder}: no tokenizer.json or vocab.json+merges.txt");
    }
}
