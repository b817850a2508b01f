using InvarLock.Models.Tokenizers;
using InvarLock.Sdk.Models;

namespace InvarLock.Fuzz.Targets;

/// <summary><c>tokenizer.json</c>: loaded as the adapter loads it (<see cref="TokenizerLoader.Load"/>, which picks the
/// GPT-2 fast path or the general pipeline), then a fixed text with special tokens, Unicode and whitespace runs is encoded
/// and the ids decoded again.</summary>
internal sealed class TokenizerTarget : IFuzzTarget
{
    private const string Sample = "Hello, world! <|endoftext|>  héllo\tWörld 123 ۱۲۳ 日本語 🙂\n\n  end<s></s>[CLS] ...";

    /// <summary>The target's name (a constant, so listing targets runs no instrumented code).</summary>
    public const string TargetName = "tokenizer";

    public string Name => TargetName;

    public void Run(byte[] input)
    {
        string folder = FuzzWorkspace.CleanFolder(Name);
        File.WriteAllBytes(Path.Combine(folder, "tokenizer.json"), input);
        ITokenizer tokenizer = TokenizerLoader.Load(folder);
        int[] ids = tokenizer.Encode(Sample);
        _ = tokenizer.Decode(ids);
    }

    public void WriteSeeds(string folder)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string family, string source) in SeedModels.All)
        {
            string text = File.ReadAllText(Path.Combine(source, "tokenizer.json"));
            if (written.Add(text))
            {
                File.WriteAllText(Path.Combine(folder, family + ".json"), text);
            }
        }
        File.WriteAllText(Path.Combine(folder, "wordpiece.json"), """
            {"version":"1.0","truncation":null,"padding":null,"added_tokens":[{"id":0,"content":"[UNK]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},{"id":1,"content":"[CLS]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
             "normalizer":{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true},
             "pre_tokenizer":{"type":"BertPreTokenizer"},
             "post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],"pair":[{"Sequence":{"id":"A","type_id":0}},{"Sequence":{"id":"B","type_id":1}}],"special_tokens":{"[CLS]":{"id":"[CLS]","ids":[1],"tokens":["[CLS]"]}}},
             "decoder":{"type":"WordPiece","prefix":"##","cleanup":true},
             "model":{"type":"WordPiece","unk_token":"[UNK]","continuing_subword_prefix":"##","max_input_chars_per_word":100,"vocab":{"[UNK]":0,"[CLS]":1,"hello":2,",":3,"world":4,"!":5,"h":6,"##ello":7,"end":8}}}
            """);
        File.WriteAllText(Path.Combine(folder, "metaspace-bpe.json"), """
            {"version":"1.0","added_tokens":[{"id":0,"content":"<unk>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},{"id":1,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
             "normalizer":{"type":"Sequence","normalizers":[{"type":"Prepend","prepend":"▁"},{"type":"Replace","pattern":{"String":" "},"content":"▁"}]},
             "pre_tokenizer":null,
             "post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],"pair":[{"Sequence":{"id":"A","type_id":0}}],"special_tokens":{"<s>":{"id":"<s>","ids":[1],"tokens":["<s>"]}}},
             "decoder":{"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"▁"},"content":" "},{"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]},
             "model":{"type":"BPE","dropout":null,"unk_token":"<unk>","continuing_subword_prefix":null,"end_of_word_suffix":null,"fuse_unk":true,"byte_fallback":true,"vocab":{"<unk>":0,"<s>":1,"▁":2,"H":3,"e":4,"l":5,"o":6,"▁H":7,"ll":8,"<0x41>":9},"merges":["▁ H","l l"]}}
            """);
    }
}
