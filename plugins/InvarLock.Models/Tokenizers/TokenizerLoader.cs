using InvarLock.Models.Tokenizers.Models;
using InvarLock.Models.Tokenizers.PostProcessors;
using InvarLock.Models.Tokenizers.PreTokenizers;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Tokenizers;

/// <summary>Finds and loads the tokenizer of a Hugging Face model folder.</summary>
public static class TokenizerLoader
{
    /// <summary>Loads <c>tokenizer.json</c> when the folder has one (any Hugging Face tokenizer this project supports,
    /// see docs/tokenizers.md; with <c>tokenizer_config.json</c> beside it for the BOS rule), otherwise
    /// <c>vocab.json</c> + <c>merges.txt</c> (GPT-2 byte-level BPE). Plain GPT-2 byte-level BPE files load as
    /// <see cref="Gpt2BpeTokenizer"/>, everything else as <see cref="HuggingFaceTokenizer"/>; both give Hugging Face's
    /// ids. Whether windows start with BOS is <see cref="TokenizerInfo.AddBosToken"/> / <see cref="TokenizerInfo.BosTokenId"/>.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> when neither form is present;
    /// <see cref="ErrorCodes.MalformedTokenizer"/> when the files are malformed or use a component that is not supported.</exception>
    public static ITokenizer Load(string modelFolder)
    {
        ArgumentNullException.ThrowIfNull(modelFolder);
        string tokenizerJson = Path.Combine(modelFolder, "tokenizer.json");
        if (Path.Exists(tokenizerJson))
        {
            var pipeline = TokenizerJsonReader.Read(tokenizerJson);
            var config = TokenizerConfigFile.Read(modelFolder);
            if (pipeline.IsGpt2Profile && config.AddBosToken != true)
            {
                return Gpt2BpeTokenizer.FromTokenizerJson(tokenizerJson);
            }
            return new HuggingFaceTokenizer(pipeline, config, tokenizerJson);
        }
        var (vocab, merges) = Gpt2Files(modelFolder);
        return Gpt2BpeTokenizer.FromVocabAndMerges(vocab, merges);
    }

    /// <summary>Loads the same tokenizer as <see cref="Load"/>, always as a <see cref="HuggingFaceTokenizer"/> (which
    /// reports token strings and offsets), with the same <see cref="TokenizerInfo"/> and ids as <see cref="Load"/>.</summary>
    /// <exception cref="InvarLockException">As <see cref="Load"/>.</exception>
    public static HuggingFaceTokenizer LoadDetailed(string modelFolder)
    {
        ArgumentNullException.ThrowIfNull(modelFolder);
        string tokenizerJson = Path.Combine(modelFolder, "tokenizer.json");
        if (Path.Exists(tokenizerJson))
        {
            var pipeline = TokenizerJsonReader.Read(tokenizerJson);
            var config = TokenizerConfigFile.Read(modelFolder);
            TokenizerInfo? info = pipeline.IsGpt2Profile && config.AddBosToken != true
                ? Gpt2BpeTokenizer.FromTokenizerJson(tokenizerJson).Info
                : null;
            return new HuggingFaceTokenizer(pipeline, config, tokenizerJson, info);
        }
        var (vocabPath, mergesPath) = Gpt2Files(modelFolder);
        var gpt2 = Gpt2BpeTokenizer.FromVocabAndMerges(vocabPath, mergesPath);
        var definition = TokenizerFileReader.ReadVocabAndMerges(vocabPath, mergesPath);
        var model = new BpeModel(definition.Vocab, definition.Merges, new BpeOptions(null, false, false, false, null, null), mergesPath);
        var gpt2Pipeline = new TokenizerPipeline("BPE", model, null, new ByteLevelPreTokenizer(addPrefixSpace: false, useRegex: true),
            SingleSequenceTemplate.None, new Decoding.ByteLevelDecoder(), [], IsGpt2Profile: true, gpt2.Info.Sha256);
        return new HuggingFaceTokenizer(gpt2Pipeline, TokenizerConfigFile.Absent, mergesPath, gpt2.Info);
    }

    private static (string Vocab, string Merges) Gpt2Files(string modelFolder)
    {
        string vocab = Path.Combine(modelFolder, "vocab.json");
        string merges = Path.Combine(modelFolder, "merges.txt");
        if (Path.Exists(vocab) && Path.Exists(merges))
        {
            return (vocab, merges);
        }
        throw new InvarLockException(ErrorCodes.MissingFile, $"{modelFolder}: no tokenizer.json or vocab.json+merges.txt");
    }
}
