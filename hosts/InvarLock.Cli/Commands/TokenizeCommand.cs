using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using InvarLock.Core;
using InvarLock.Models.Tokenizers;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;
using InvarLock.Sdk.Models;

namespace InvarLock.Cli.Commands;

/// <summary><c>invarlock tokenize --model DIR (--text T | --text-file F) [--json]</c>: the ids, token strings and offsets
/// the model's tokenizer gives the text, exactly as evaluation tokenizes dataset text (special tokens in the text are
/// plain text; no BOS is added to the ids), plus whether evaluation windows start with BOS (docs/tokenizers.md).</summary>
internal static class TokenizeCommand
{
    /// <summary>The <c>format</c> of the <c>--json</c> object.</summary>
    public const string JsonFormat = "tokenize-v1";

    /// <summary>The largest <c>--text-file</c> read (bytes).</summary>
    public const long MaxTextFileBytes = 16L * 1024 * 1024;

    public static Command Create(CliConsole console)
    {
        Option<DirectoryInfo> model = new("--model") { Description = "Model folder with tokenizer.json (or vocab.json + merges.txt)", Required = true };
        Option<string?> text = new("--text") { Description = "The text to tokenize" };
        Option<FileInfo?> textFile = new("--text-file") { Description = "A UTF-8 file whose content is tokenized (at most 16 MiB)" };
        Option<bool> json = new("--json") { Description = "Print one JSON object (format tokenize-v1)" };
        var command = new Command("tokenize", "Show the token ids, strings and offsets a model's tokenizer gives a text, as evaluation windows see them")
        {
            model, text, textFile, json,
        };
        command.SetAction(parse =>
        {
            string? inline = parse.GetValue(text);
            FileInfo? file = parse.GetValue(textFile);
            if ((inline is null) == (file is null))
            {
                throw new InvarLockException(ErrorCodes.Usage, "tokenize: give exactly one of --text or --text-file");
            }
            string folder = parse.GetValue(model)!.FullName;
            if (!Directory.Exists(folder))
            {
                throw new InvarLockException(ErrorCodes.MissingFile, $"{folder}: no such model folder");
            }
            string input = inline ?? InputFile.ReadAllText(file!.FullName, MaxTextFileBytes, ErrorCodes.Usage, "--text-file");
            HuggingFaceTokenizer tokenizer = TokenizerLoader.LoadDetailed(folder);
            IReadOnlyList<EncodedToken> tokens = tokenizer.EncodeDetailed(input);
            console.Out.Write(parse.GetValue(json) ? ToJson(folder, tokenizer, tokens).ToJsonString() + "\n" : ToText(folder, tokenizer, tokens, input));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>A header (tokenizer, digest, BOS rule) and one line per token: index, id, token string, offsets and the
    /// text it covers (LF line ends, trailing newline).</summary>
    public static string ToText(string folder, HuggingFaceTokenizer tokenizer, IReadOnlyList<EncodedToken> tokens, string input)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(input);
        TokenizerInfo info = tokenizer.Info;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Tokenizer: {info.Kind}, {info.VocabSize} ids, digest {info.Sha256[..16]} ({folder})\n");
        sb.Append(CultureInfo.InvariantCulture, $"Windows: {BosLine(tokenizer)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"Tokens: {tokens.Count} (offsets are UTF-16 code units of the text)\n");
        for (int i = 0; i < tokens.Count; i++)
        {
            EncodedToken t = tokens[i];
            sb.Append(CultureInfo.InvariantCulture,
                $"{i,6} {t.Id,8}  {Quote(t.Token),-24} {t.Start}..{t.End}  {Quote(input[t.Start..t.End])}{(t.Added ? "  [added]" : "")}\n");
        }
        return sb.ToString();
    }

    /// <summary>The tokens as one JSON object (snake_case, format <see cref="JsonFormat"/>): <c>ids</c>, <c>tokens</c> and
    /// <c>offsets</c> (<c>[start, end]</c> in UTF-16 code units) side by side, and the tokenizer's BOS rule.</summary>
    public static JsonObject ToJson(string folder, HuggingFaceTokenizer tokenizer, IReadOnlyList<EncodedToken> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(tokens);
        TokenizerInfo info = tokenizer.Info;
        var ids = new JsonArray();
        var strings = new JsonArray();
        var offsets = new JsonArray();
        foreach (EncodedToken t in tokens)
        {
            ids.Add(t.Id);
            strings.Add(t.Token);
            offsets.Add(new JsonArray(t.Start, t.End));
        }
        return new JsonObject
        {
            ["format"] = JsonFormat,
            ["model"] = folder,
            ["tokenizer"] = new JsonObject
            {
                ["kind"] = info.Kind,
                ["vocab_size"] = info.VocabSize,
                ["sha256"] = info.Sha256,
                ["bos_token_id"] = info.BosTokenId,
                ["bos_prepended"] = info.AddBosToken,
                ["bos_rule"] = tokenizer.BosRule,
            },
            ["count"] = tokens.Count,
            ["ids"] = ids,
            ["tokens"] = strings,
            ["offsets"] = offsets,
        };
    }

    private static string BosLine(HuggingFaceTokenizer tokenizer)
    {
        TokenizerInfo info = tokenizer.Info;
        if (!info.AddBosToken || info.BosTokenId is not int bos)
        {
            return $"no BOS is prepended ({tokenizer.BosRule})";
        }
        return $"each starts with BOS {bos} {Quote(tokenizer.TokenOf(bos) ?? "")} ({tokenizer.BosRule}); the ids below are the text only";
    }

    /// <summary>The string in double quotes with control characters, quotes and backslashes escaped, so every token is
    /// visible on one line.</summary>
    private static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
