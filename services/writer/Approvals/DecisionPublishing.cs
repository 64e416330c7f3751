using Agents.ServiceDefaults.Redelivery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Agents.Writer.Approvals;

/// <summary>
/// Publishes a person's decision (an approval, a rejection, a batch's) under a deadline,
/// <see cref="WriterOptions.DecisionPublishTimeout"/>. A broker that does not confirm it in time, because it is down or
/// blocks publishers in a memory or disk alarm, gets the person a 503 that says so. Before, the click hung for as long
/// as the broker did. The decision may still reach the saga once the broker reads again (it left before the deadline),
/// so the answer asks the person to look at the write again rather than saying nothing was decided.
/// </summary>
public static class DecisionPublishing
{
    /// <summary>Null once the broker confirmed the decision; otherwise the 503 to answer.</summary>
    public static async Task<ProblemHttpResult?> PublishAsync(Func<CancellationToken, Task> publish, TimeSpan timeout, CancellationToken requestAborted)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        deadline.CancelAfter(timeout);
        try
        {
            await publish(deadline.Token);
            return null;
        }
        catch (Exception e) when (!requestAborted.IsCancellationRequested && (deadline.IsCancellationRequested || TransientFailures.IsTransient(e)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The decision did not reach the message broker in time.",
                detail: $"The broker did not confirm it within {timeout.TotalSeconds:0} s: it may be down, or blocking publishers in a memory or disk alarm. " +
                    "The decision may still arrive once the broker takes messages again: reload the write before deciding again.");
        }
    }
}
