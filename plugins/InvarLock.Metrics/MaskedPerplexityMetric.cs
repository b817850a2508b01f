using InvarLock.Numerics;
using InvarLock.Sdk;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Metrics;

/// <summary><c>ppl_mlm</c>: masked-token perplexity of a masked LM. Each window is masked by <see cref="MaskedLmMasks"/>
/// (15% of the non-special tokens, 80/10/10 mask/random/keep, at least one, drawn from the request's seed and the window
/// alone, so baseline and subject see the same masks), the model runs on the masked window, and the loss is the sum over
/// the selected positions of −log p(original token): the head is applied only to those rows' hidden states, vocabulary
/// block by block. <see cref="WindowLoss.TokenCount"/> is the number of selected positions, so a report's token counts
/// are masked-token counts. Perplexity is exp(Σ loss / Σ masked tokens).</summary>
/// <remarks>Special tokens are the tokenizer's BOS (<c>[CLS]</c>, <c>&lt;s&gt;</c>), EOS (<c>[SEP]</c>, <c>&lt;/s&gt;</c>)
/// and mask ids. Random replacements are drawn from the tokenizer's ids.</remarks>
public sealed class MaskedPerplexityMetric : IPrimaryMetric
{
    /// <summary>Windows per call to <see cref="IModel.Forward"/>, so progress advances steadily.</summary>
    private const int Chunk = 4;

    /// <inheritdoc />
    public PluginDescriptor Descriptor { get; } = new("ppl_mlm", new Version(1, 0), "Masked LM perplexity over masked tokens of paired windows");

    /// <inheritdoc />
    public string Objective => "mlm";

    /// <inheritdoc />
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MalformedTokenizer"/> when the model's tokenizer names no
    /// mask token.</exception>
    public IReadOnlyList<WindowLoss> Score(IModel model, MetricRequest request)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        TokenizerInfo info = model.Tokenizer.Info;
        int maskId = info.MaskTokenId ?? throw new InvarLockException(ErrorCodes.MalformedTokenizer,
            $"{model.Description.Architecture}: the tokenizer names no mask token, which ppl_mlm needs");
        int vocab = Math.Min(info.VocabSize, model.Description.VocabSize);
        int? bos = info.BosTokenId, eos = info.EosTokenId;
        bool IsSpecial(int id) => id == maskId || id == bos || id == eos;

        IReadOnlyList<ReadOnlyMemory<int>> windows = request.Windows;
        var results = new WindowLoss[windows.Count];
        var chunk = new List<ReadOnlyMemory<int>>(Chunk);
        var masks = new MaskedLmMasks[Chunk];
        for (int i = 0; i < windows.Count; i += Chunk)
        {
            request.CancellationToken.ThrowIfCancellationRequested();
            chunk.Clear();
            for (int j = i; j < Math.Min(i + Chunk, windows.Count); j++)
            {
                masks[j - i] = MaskedLmMasks.Draw(windows[j].Span, request.Seed, maskId, vocab, IsSpecial);
                chunk.Add(masks[j - i].Input);
            }
            model.Forward(chunk, new LossSink(results, i, masks, request.Observer), request.Taps, request.CancellationToken);
            request.Progress?.Report(chunk.Count);
        }
        return results;
    }

    /// <inheritdoc />
    public double FromMeanLoss(double meanLoss) => DeterministicMath.Exp(meanLoss);

    /// <summary>The masked-token loss of one window's output: the selected rows gathered, then scored.</summary>
    internal static WindowLoss Loss(in WindowOutput output, MaskedLmMasks masks)
    {
        int rows = masks.Positions.Length;
        if (rows == 0)
        {
            return new WindowLoss(0.0, 0);
        }
        int d = output.Head.Hidden;
        var gathered = new float[rows * d];
        for (int r = 0; r < rows; r++)
        {
            output.Hidden.Slice(masks.Positions[r] * d, d).CopyTo(gathered.AsSpan(r * d, d));
        }
        return new WindowLoss(HeadLoss.Sum(output.Head, gathered, masks.Targets), rows);
    }

    private sealed class LossSink(WindowLoss[] results, int offset, MaskedLmMasks[] masks, IWindowSink? observer) : IWindowSink
    {
        public void OnWindow(in WindowOutput output)
        {
            results[offset + output.WindowIndex] = Loss(output, masks[output.WindowIndex]);
            observer?.OnWindow(new WindowOutput(offset + output.WindowIndex, output.Tokens, output.Hidden, output.Head));
        }
    }
}
