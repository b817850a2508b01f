namespace InvarLock.Compute;

/// <summary>The persistent worker pool the GEMM's parallel phases run on.</summary>
public sealed partial class ManagedGemmBackend
{
    /// <summary>Runs <paramref name="body"/> for indices 0..count−1 on up to <see cref="GemmJob.Workers"/> threads: the
    /// caller plus persistent helpers (<see cref="WorkerPool"/>); when another call holds the pool, on
    /// <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>. Which thread runs an index never changes a
    /// result: each index writes its own part of the output.</summary>
    private static unsafe void ParallelRun(ref GemmJob job, int count, delegate*<ref GemmJob, int, void> body)
    {
        if (job.Workers <= 1 || count <= 1)
        {
            for (int i = 0; i < count; i++)
            {
                body(ref job, i);
            }
            return;
        }
        if (WorkerPool.Shared.TryRun(ref job, count, body))
        {
            return;
        }
        GemmJob copy = job;
        nint fn = (nint)body;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = job.Workers }, i =>
        {
            GemmJob local = copy;
            ((delegate*<ref GemmJob, int, void>)fn)(ref local, i);
        });
    }

    /// <summary>Helper threads that live for the process and wait on a semaphore between batches, so a GEMM's two
    /// parallel phases cost a wake-up instead of a fork/join through the thread pool. One batch runs at a time.</summary>
    private sealed unsafe class WorkerPool
    {
        /// <summary>Most helper threads ever started.</summary>
        private const int MaxHelpers = 63;

        private readonly Lock _gate = new();
        private readonly SemaphoreSlim _wake = new(0);
        private readonly Lock _grow = new();
        private Batch? _current;
        private int _helpers;

        internal static WorkerPool Shared { get; } = new();

        /// <summary>Runs the batch with the caller taking part; false (nothing run) when another batch holds the pool.</summary>
        internal bool TryRun(ref GemmJob job, int count, delegate*<ref GemmJob, int, void> body)
        {
            if (!_gate.TryEnter())
            {
                return false;
            }
            try
            {
                int helpers = Math.Min(Math.Min(job.Workers, count) - 1, MaxHelpers);
                EnsureHelpers(helpers);
                var batch = new Batch(job, body, count);
                Volatile.Write(ref _current, batch);
                _wake.Release(helpers);
                batch.Work();
                var spin = new SpinWait();
                while (Volatile.Read(ref batch.Done) < count)
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }
                Volatile.Write(ref _current, null);
                if (batch.Error is { } error)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
                }
                return true;
            }
            finally
            {
                _gate.Exit();
            }
        }

        private void EnsureHelpers(int wanted)
        {
            if (Volatile.Read(ref _helpers) >= wanted)
            {
                return;
            }
            lock (_grow)
            {
                while (_helpers < wanted)
                {
                    var thread = new Thread(HelperLoop) { IsBackground = true, Name = $"invarlock-gemm-{_helpers + 1}" };
                    thread.Start();
                    _helpers++;
                }
            }
        }

        private void HelperLoop()
        {
            while (true)
            {
                _wake.Wait();
                // A late wake-up may find the next batch, or none; either way it only claims indices still open.
                Volatile.Read(ref _current)?.Work();
            }
        }
    }

    /// <summary>One parallel phase: a copy of the job, the body and the index counters.</summary>
    private sealed unsafe class Batch(GemmJob job, delegate*<ref GemmJob, int, void> body, int count)
    {
        private readonly GemmJob _job = job;
        private readonly nint _body = (nint)body;
        private readonly int _count = count;
        private int _next;

        /// <summary>Indices finished (or failed).</summary>
        public int Done;

        /// <summary>The first exception a body threw, rethrown on the caller.</summary>
        public Exception? Error;

        /// <summary>Claims and runs indices until none are left.</summary>
        public void Work()
        {
            GemmJob local = _job;
            var fn = (delegate*<ref GemmJob, int, void>)_body;
            int i;
            while ((i = Interlocked.Increment(ref _next) - 1) < _count)
            {
                try
                {
                    fn(ref local, i);
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref Error, ex, null);
                }
                Interlocked.Increment(ref Done);
            }
        }
    }
}
