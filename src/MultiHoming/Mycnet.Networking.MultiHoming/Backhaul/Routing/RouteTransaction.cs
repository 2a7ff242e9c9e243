namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>The outcome of running a plan.</summary>
internal sealed record RouteTransactionResult(
    bool Succeeded,
    IReadOnlyList<BackhaulRouteCommand> Executed,
    IReadOnlyList<BackhaulRouteCommand> RolledBack,
    BackhaulException? Error,
    bool RollbackFailed);

/// <summary>
/// Runs a plan step by step; when a step fails, runs the undo commands of the completed steps in reverse
/// order so the system returns to where it was before the plan.
/// </summary>
internal static class RouteTransaction
{
    public static async ValueTask<RouteTransactionResult> RunAsync(
        IReadOnlyList<RouteStep> steps,
        IRouteCommandExecutor executor,
        Action<BackhaulRouteCommand, BackhaulException>? ignoredFailure,
        CancellationToken cancellationToken)
    {
        var executed = new List<BackhaulRouteCommand>(steps.Count);
        int completed = 0;
        BackhaulException? error = null;
        for (; completed < steps.Count; completed++)
        {
            RouteStep step = steps[completed];
            executed.Add(step.Command);
            try
            {
                await executor.ExecuteAsync(step.Command, cancellationToken).ConfigureAwait(false);
            }
            catch (BackhaulException ex) when (step.IgnoreFailure)
            {
                ignoredFailure?.Invoke(step.Command, ex);
            }
            catch (BackhaulException ex)
            {
                error = ex;
                break;
            }
            catch (OperationCanceledException ex)
            {
                error = new BackhaulException(BackhaulErrorKind.Routing, $"'{step.Command}' was cancelled.", ex);
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                error = new BackhaulException(BackhaulErrorKind.Routing, $"'{step.Command}' failed: {ex.Message}", ex);
                break;
            }
        }

        if (error is null)
        {
            return new RouteTransactionResult(Succeeded: true, executed, [], Error: null, RollbackFailed: false);
        }

        // Roll back: the failed step is assumed not applied; undo the completed ones, last first. The
        // rollback runs even when the caller is shutting down, so the system is never left half-switched.
        var rolledBack = new List<BackhaulRouteCommand>();
        bool rollbackFailed = false;
        for (int i = completed - 1; i >= 0; i--)
        {
            foreach (BackhaulRouteCommand undo in steps[i].Undo)
            {
                rolledBack.Add(undo);
                try
                {
                    await executor.ExecuteAsync(undo, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    rollbackFailed = true;
                    ignoredFailure?.Invoke(undo, ex as BackhaulException ?? new BackhaulException(BackhaulErrorKind.Routing, ex.Message, ex));
                }
            }
        }

        return new RouteTransactionResult(Succeeded: false, executed, rolledBack, error, rollbackFailed);
    }
}
