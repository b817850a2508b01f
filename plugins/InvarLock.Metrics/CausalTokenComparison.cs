using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Metrics;

/// <summary>KL(baseline ‖ subject) over the full vocabulary and top-1 agreement for each next-token prediction, exact
/// with one model resident: the baseline pass records each window's final hidden states (to a temporary file) and a
/// detached copy of the baseline's output head (for a 1B LLaMA in BF16, 131 MB); during the subject pass the baseline's
/// logits are recomputed from them — bit for bit what the baseline's own pass produced — beside the subject's, block
/// by block. Per row, in double: KL = Σ_j p_j (a_j − b_j) − lse(a) + lse(b), with p = softmax(a), accumulated online
/// over vocabulary blocks; the argmax keeps the lowest id on ties. KL is ≥ 0; a rounding residue below zero is
/// reported as 0.</summary>
internal sealed class CausalTokenComparison : ITokenComparison
{
    private readonly HiddenStateSpool _spool = new();
    private readonly List<TokenComparisonWindow> _results = [];
    private IOutputHead? _baselineHead;

    public CausalTokenComparison() => Baseline = new RecordingSink(this);

    public IWindowSink Baseline { get; }

    public IReadOnlyList<TokenComparisonWindow> Results => _results;

    public IWindowSink Subject(IReadOnlyList<int> baselineWindow)
    {
        ArgumentNullException.ThrowIfNull(baselineWindow);
        _results.Clear();
        return new ComparingSink(this, baselineWindow);
    }

    public void Dispose()
    {
        _spool.Dispose();
        _baselineHead?.Dispose();
    }

    private void Record(in WindowOutput output)
    {
        _baselineHead ??= output.Head.Detach();
        int rows = Math.Max(0, output.Tokens.Length - 1);
        _spool.Write(output.WindowIndex, output.Hidden, rows, output.Head.Hidden);
    }

    private void Compare(in WindowOutput output, int baselineWindow)
    {
        int rows = Math.Max(0, output.Tokens.Length - 1);
        IOutputHead baselineHead = _baselineHead
            ?? throw new InvalidOperationException("the baseline pass recorded no window");
        if (_spool.Rows(baselineWindow) != rows || baselineHead.Vocab != output.Head.Vocab || baselineHead.Hidden != output.Head.Hidden)
        {
            throw new InvalidOperationException($"subject window {output.WindowIndex} does not match baseline window {baselineWindow}");
        }
        var baselineHidden = new float[rows * baselineHead.Hidden];
        _spool.Read(baselineWindow, baselineHidden);
        _results.Add(Window(baselineHead, baselineHidden, output.Head, output.Hidden, rows));
    }

    /// <summary>The comparison of one window's <paramref name="rows"/> predictions.</summary>
    internal static TokenComparisonWindow Window(IOutputHead baselineHead, ReadOnlySpan<float> baselineHidden, IOutputHead subjectHead,
        ReadOnlySpan<float> subjectHidden, int rows)
    {
        if (rows == 0)
        {
            return new TokenComparisonWindow(0, 0.0, 0, []);
        }
        int vocab = subjectHead.Vocab;
        int block = Math.Min(Math.Min(subjectHead.ColumnBlock, baselineHead.ColumnBlock), vocab);
        var state = new RowState[rows];
        float[] a = new float[rows * block];
        float[] b = new float[rows * block];
        for (int j0 = 0; j0 < vocab; j0 += block)
        {
            int nc = Math.Min(block, vocab - j0);
            baselineHead.Logits(baselineHidden[..(rows * baselineHead.Hidden)], rows, j0, nc, a);
            subjectHead.Logits(subjectHidden[..(rows * subjectHead.Hidden)], rows, j0, nc, b);
            int start = j0;
            RowLoop.For(rows, subjectHead.Threads, r => state[r].Add(a.AsSpan(r * nc, nc), b.AsSpan(r * nc, nc), start, start == 0));
        }
        var perToken = new double[rows];
        double sum = 0.0;
        int agree = 0;
        for (int r = 0; r < rows; r++)
        {
            perToken[r] = state[r].Kl;
            sum += perToken[r];
            agree += state[r].ArgmaxA == state[r].ArgmaxB ? 1 : 0;
        }
        return new TokenComparisonWindow(rows, sum, agree, perToken);
    }

    /// <summary>Online accumulation of one row over vocabulary blocks.</summary>
    private struct RowState
    {
        private double _maxA, _sumA, _maxB, _sumB, _cross;
        private float _bestA, _bestB;
        public int ArgmaxA, ArgmaxB;

        public readonly double Kl
        {
            get
            {
                double kl = _cross / _sumA - (_maxA + Math.Log(_sumA)) + (_maxB + Math.Log(_sumB));
                return kl > 0.0 ? kl : 0.0;
            }
        }

        public void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int start, bool first)
        {
            double ma = double.NegativeInfinity, mb = double.NegativeInfinity;
            int ia = 0, ib = 0;
            for (int j = 0; j < a.Length; j++)
            {
                if (a[j] > ma)
                {
                    ma = a[j];
                    ia = j;
                }
                if (b[j] > mb)
                {
                    mb = b[j];
                    ib = j;
                }
            }
            double sa = 0.0, sb = 0.0, cross = 0.0;
            for (int j = 0; j < a.Length; j++)
            {
                double ea = Math.Exp(a[j] - ma);
                sa += ea;
                cross += ea * ((double)a[j] - b[j]);
                sb += Math.Exp(b[j] - mb);
            }
            if (first)
            {
                (_maxA, _sumA, _cross, _maxB, _sumB) = (ma, sa, cross, mb, sb);
                (_bestA, ArgmaxA, _bestB, ArgmaxB) = ((float)ma, start + ia, (float)mb, start + ib);
                return;
            }
            double m = Math.Max(_maxA, ma);
            double old = Math.Exp(_maxA - m), now = Math.Exp(ma - m);
            _sumA = _sumA * old + sa * now;
            _cross = _cross * old + cross * now;
            _maxA = m;
            double n = Math.Max(_maxB, mb);
            _sumB = _sumB * Math.Exp(_maxB - n) + sb * Math.Exp(mb - n);
            _maxB = n;
            if ((float)ma > _bestA)
            {
                (_bestA, ArgmaxA) = ((float)ma, start + ia);
            }
            if ((float)mb > _bestB)
            {
                (_bestB, ArgmaxB) = ((float)mb, start + ib);
            }
        }
    }

    private sealed class RecordingSink(CausalTokenComparison owner) : IWindowSink
    {
        public void OnWindow(in WindowOutput output) => owner.Record(output);
    }

    private sealed class ComparingSink(CausalTokenComparison owner, IReadOnlyList<int> baselineWindow) : IWindowSink
    {
        public void OnWindow(in WindowOutput output) => owner.Compare(output, baselineWindow[output.WindowIndex]);
    }
}
