using InvarLock.Core.Pipeline;
using Spectre.Console;

namespace InvarLock.Cli;

/// <summary>Shows a run's stages as progress bars on an interactive terminal; silent otherwise (redirected or --json).</summary>
internal static class ProgressDisplay
{
    public static T Run<T>(CliConsole console, bool quiet, Func<IRunObserver, T> work)
    {
        if (quiet || !console.Interactive)
        {
            return work(NullRunObserver.Instance);
        }
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx => result = work(new SpectreObserver(ctx)));
        return result;
    }

    private sealed class SpectreObserver(ProgressContext context) : IRunObserver
    {
        private ProgressTask? _task;

        public void StageStarted(string stage, int totalWork)
        {
            _task = context.AddTask(stage, maxValue: Math.Max(1, totalWork));
            if (totalWork == 0)
            {
                _task.IsIndeterminate = true;
            }
        }

        public void Advanced(int work) => _task?.Increment(work);

        public void StageCompleted(string stage)
        {
            if (_task is not null)
            {
                _task.IsIndeterminate = false;
                _task.Value = _task.MaxValue;
                _task.StopTask();
            }
        }
    }
}
