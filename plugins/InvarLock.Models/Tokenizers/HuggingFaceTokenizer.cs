using System.Text;
using InvarLock.Models.Tokenizers.AddedTokens;
using InvarLock.Models.Tokenizers.Models;
using InvarLock.Models.Tokenizers.Text;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Tokenizers;

/// <summary>A Hugging Face <c>tokenizer.json</c> run in managed code, giving the ids of Hugging Face's Rust
/// <c>tokenizers</c> (docs/tokenizers.md): added tokens that are matched on the input are cut out first, each
/// remaining stretch is normalized, added tokens matched on normalized text are cut out, the pre-tokenizer splits
/// the rest into pieces and the model turns each piece into tokens.
/// <para><b>Special tokens.</b> <see cref="Encode"/> is Hugging Face's <c>encode(text, add_special_tokens=False)</c>
/// with <c>encode_special_tokens</c> on: added tokens marked <c>special</c> are never matched in the text (their text
/// is tokenized like any other), so evaluation text cannot smuggle control tokens into a window; added tokens that are
/// not special (Gemma's whitespace runs, for example) are matched as Hugging Face does. Nothing is added around the
/// text; whether a window starts with BOS is <see cref="TokenizerInfo.AddBosToken"/> (see <see cref="BosRule"/>).
/// <see cref="EncodeDetailed"/> can also match special tokens, as Hugging Face's default does.</para>
/// <para>Instances are immutable apart from the model's piece cache and are safe to use from several threads.</para></summary>
public sealed class HuggingFaceTokenizer : ITokenizer
{
    private readonly TokenizerPipeline _pipeline;
    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher _normalizedMatcher;
    private readonly string?[] _tokenById;
    private readonly bool[] _isSpecial;
    private readonly HashSet<int> _addedIds = [];
    private readonly bool _idsNeedAlignment;

    internal HuggingFaceTokenizer(TokenizerPipeline pipeline, TokenizerConfigFile config, string source, TokenizerInfo? infoOverride = null)
    {
        _pipeline = pipeline;
        var model = pipeline.Model;
        int idCount = model.IdCount;
        foreach (var token in pipeline.AddedTokens)
        {
            idCount = Math.Max(idCount, token.Id + 1);
        }
        _tokenById = new string?[idCount];
        _isSpecial = new bool[idCount];
        for (int id = 0; id < model.IdCount; id++)
        {
            _tokenById[id] = model.TokenOf(id);
        }
        var raw = new List<(string, AddedToken)>();
        var normalized = new List<(string, AddedToken)>();
        foreach (var token in pipeline.AddedTokens)
        {
            if (model.TryGetId(token.Content, out int modelId) && modelId != token.Id)
            {
                throw new InvarLockException(ErrorCodes.MalformedTokenizer,
                    $"{source}: added token '{token.Content}' has id {token.Id} but model.vocab gives it {modelId}");
            }
            if (_tokenById[token.Id] is { } existing && existing != token.Content)
            {
                throw new InvarLockException(ErrorCodes.MalformedTokenizer,
                    $"{source}: added token '{token.Content}' has id {token.Id}, which model.vocab gives to '{existing}'");
            }
            _tokenById[token.Id] = token.Content;
            _isSpecial[token.Id] |= token.Special;
            _addedIds.Add(token.Id);
            if (token.Normalized)
            {
                var text = NormalizedText.FromOriginal(token.Content, 0);
                pipeline.Normalizer?.Normalize(text);
                normalized.Add((text.Text, token));
            }
            else
            {
                raw.Add((token.Content, token));
            }
        }
        _rawMatcher = new AddedTokenMatcher(raw);
        _normalizedMatcher = new AddedTokenMatcher(normalized);
        _idsNeedAlignment = pipeline.PreTokenizer?.NeedsAlignment(piecesMayBeSlices: !_normalizedMatcher.IsEmpty) ?? false;

        (SpecialPrefixIds, BosRule) = ResolveBos(pipeline, config, source);
        int? bos = SpecialPrefixIds.Count > 0 ? SpecialPrefixIds[0] : IdOfToken(config.BosToken);
        int? eos = IdOfToken(config.EosToken) ?? FirstKnown("</s>", "<|endoftext|>", "<eos>", "<|end_of_text|>", "[SEP]");
        Info = infoOverride ?? new TokenizerInfo("hf-" + pipeline.ModelType.ToLowerInvariant(), idCount, eos,
            TokenizerDigest.WithBosRule(pipeline.Sha256, SpecialPrefixIds))
        {
            BosTokenId = bos,
            AddBosToken = SpecialPrefixIds.Count > 0,
            MaskTokenId = FirstKnown("[MASK]", "<mask>"),
        };
    }

    /// <inheritdoc />
    public TokenizerInfo Info { get; }

    /// <summary>The ids a window starts with: what <c>tokenizer_config.json</c>'s <c>add_bos_token</c> says when it
    /// says anything (<c>[bos_token]</c> or nothing), otherwise the special tokens the post-processor's single-sequence
    /// template puts before the text. Empty for GPT-2, Qwen and other models without BOS.</summary>
    public IReadOnlyList<int> SpecialPrefixIds { get; }

    /// <summary>Where <see cref="SpecialPrefixIds"/> came from, for reports: <c>tokenizer_config.json add_bos_token</c>,
    /// <c>post_processor TemplateProcessing</c> (or another processor), or <c>none</c>.</summary>
    public string BosRule { get; }

    /// <summary>One more than the highest id, added tokens included.</summary>
    public int IdCount => _tokenById.Length;

    /// <summary>Loads <c>tokenizer.json</c> from <paramref name="path"/>, and <c>tokenizer_config.json</c> from the
    /// same folder when there is one.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> when the file does not exist,
    /// <see cref="ErrorCodes.MalformedTokenizer"/> for any problem in either file.</exception>
    public static HuggingFaceTokenizer FromTokenizerJson(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var pipeline = TokenizerJsonReader.Read(path);
        var config = TokenizerConfigFile.Read(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
        return new HuggingFaceTokenizer(pipeline, config, path);
    }

    /// <inheritdoc />
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = Run(text, matchSpecial: false, trackAlignment: _idsNeedAlignment);
        var ids = new int[tokens.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = tokens[i].Id;
        }
        return ids;
    }

    /// <summary>Ids, token strings and input offsets of <paramref name="text"/>. With
    /// <paramref name="matchSpecialTokens"/> special added tokens in the text become their ids, as in Hugging Face's
    /// default; without it the result has the ids of <see cref="Encode"/>.</summary>
    public IReadOnlyList<EncodedToken> EncodeDetailed(string text, bool matchSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = Run(text, matchSpecialTokens, trackAlignment: true);
        var result = new EncodedToken[tokens.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var t = tokens[i];
            result[i] = new EncodedToken(t.Id, _tokenById[t.Id] ?? "", t.Start, t.End, _addedIds.Contains(t.Id) && t.Added);
        }
        return result;
    }

    /// <summary>The vocabulary string of <paramref name="id"/>, or null when no token has it.</summary>
    public string? TokenOf(int id) => (uint)id < (uint)_tokenById.Length ? _tokenById[id] : null;

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary.</exception>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var tokens = new List<string>(ids.Length);
        var output = new StringBuilder();
        foreach (int id in ids)
        {
            string token = TokenOf(id) ?? throw new ArgumentOutOfRangeException(nameof(ids), id, "The id is not in the tokenizer's vocabulary.");
            if (_addedIds.Contains(id))
            {
                // Hugging Face decodes added tokens as their content, outside the decoder chain.
                Flush();
                output.Append(token);
            }
            else
            {
                tokens.Add(token);
            }
        }
        Flush();
        return output.ToString();

        void Flush()
        {
            if (tokens.Count == 0)
            {
                return;
            }
            _pipeline.Decoder?.Decode(tokens);
            foreach (string t in tokens)
            {
                output.Append(t);
            }
            tokens.Clear();
        }
    }

    private readonly record struct RawToken(int Id, int Start, int End, bool Added);

    /// <summary>The tokens of <paramref name="input"/>. Without <paramref name="trackAlignment"/> (the ids-only path
    /// of <see cref="Encode"/>) no per-char alignment is kept and the offsets are meaningless; the ids are the same
    /// (see <see cref="NormalizedText"/>).</summary>
    private List<RawToken> Run(string input, bool matchSpecial, bool trackAlignment)
    {
        string text = WithoutLoneSurrogates(input);
        var output = new List<RawToken>(text.Length / 3 + 4);
        var modelTokens = new List<ModelToken>();
        var pieces = new List<NormalizedText>();
        foreach (var (start, end, token) in _rawMatcher.Split(text, matchSpecial))
        {
            if (token is not null)
            {
                output.Add(new RawToken(token.Id, start, end, true));
                continue;
            }
            if (end == start)
            {
                continue;
            }
            var stretch = NormalizedText.FromOriginal(start == 0 && end == text.Length ? text : text[start..end], start, trackAlignment);
            _pipeline.Normalizer?.Normalize(stretch);
            foreach (var (s, e, normalizedToken) in _normalizedMatcher.Split(stretch.Text, matchSpecial))
            {
                if (e == s)
                {
                    continue;
                }
                if (normalizedToken is not null)
                {
                    output.Add(new RawToken(normalizedToken.Id, stretch.Starts[s], stretch.Ends[e - 1], true));
                    continue;
                }
                pieces.Clear();
                pieces.Add(s == 0 && e == stretch.Length ? stretch : stretch.Slice(s, e));
                _pipeline.PreTokenizer?.PreTokenize(pieces);
                foreach (var piece in pieces)
                {
                    modelTokens.Clear();
                    _pipeline.Model.Tokenize(piece.Text, modelTokens);
                    foreach (var m in modelTokens)
                    {
                        output.Add(m.End > m.Start
                            ? new RawToken(m.Id, piece.Starts[m.Start], piece.Ends[m.End - 1], false)
                            : new RawToken(m.Id, piece.OriginalStart, piece.OriginalStart, false));
                    }
                }
            }
        }
        return output;
    }

    private static (IReadOnlyList<int> Prefix, string Rule) ResolveBos(TokenizerPipeline pipeline, TokenizerConfigFile config, string source)
    {
        if (config.AddBosToken is bool add)
        {
            if (!add)
            {
                return ([], "tokenizer_config.json add_bos_token");
            }
            if (config.BosToken is null)
            {
                throw new InvarLockException(ErrorCodes.MalformedTokenizer, $"{config.Path}: add_bos_token is true but there is no bos_token");
            }
            int? id = null;
            foreach (var token in pipeline.AddedTokens)
            {
                if (token.Content == config.BosToken)
                {
                    id = token.Id;
                }
            }
            if (id is null && pipeline.Model.TryGetId(config.BosToken, out int modelId))
            {
                id = modelId;
            }
            return id is int bos
                ? ([bos], "tokenizer_config.json add_bos_token")
                : throw new InvarLockException(ErrorCodes.MalformedTokenizer,
                    $"{config.Path}: add_bos_token is true but bos_token '{config.BosToken}' is not in {source}");
        }
        var template = pipeline.Template;
        return template.Prefix.Count > 0 ? (template.Prefix, "post_processor " + template.Source) : ([], "none");
    }

    private int? IdOfToken(string? token)
    {
        if (token is null)
        {
            return null;
        }
        foreach (var added in _pipeline.AddedTokens)
        {
            if (added.Content == token)
            {
                return added.Id;
            }
        }
        return _pipeline.Model.TryGetId(token, out int id) ? id : null;
    }

    private int? FirstKnown(params string[] tokens)
    {
        foreach (string token in tokens)
        {
            if (IdOfToken(token) is int id)
            {
                return id;
            }
        }
        return null;
    }

    /// <summary>Lone surrogates become U+FFFD, as UTF-8 encoding (and so Hugging Face's Rust strings) would have it.</summary>
    private static string WithoutLoneSurrogates(string text)
    {
        int i = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
        {
            return text;
        }
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                break;
            }
        }
        if (i == text.Length)
        {
            return text;
        }
        var chars = text.ToCharArray();
        for (int k = 0; k < chars.Length; k++)
        {
            if (char.IsHighSurrogate(chars[k]) && k + 1 < chars.Length && char.IsLowSurrogate(chars[k + 1]))
            {
                k++;
            }
            else if (char.IsSurrogate(chars[k]))
            {
                chars[k] = '\uFFFD';
            }
        }
        return new string(chars);
    }
}
