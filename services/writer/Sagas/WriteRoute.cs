using MassTransit;

namespace Agents.Writer.Sagas;

/// <summary>Where a proposal goes once <see cref="Activities.DecideWrite{TMessage}"/> judged it.</summary>
public enum WriteRoute
{
    None,
    Refused,
    BulkHeld,
    AutoApproved,
    Held,
    Shadowed,
}

/// <summary>
/// Carries one message's <see cref="WriteRoute"/> from the activity that decided it to the transitions after it: the
/// state machine branches on it, so the services the decision needs stay out of the machine.
/// </summary>
public static class WriteRouting
{
    private sealed class Decision
    {
        public WriteRoute Route { get; set; }
    }

    public static void SetRoute(this PipeContext context, WriteRoute route) =>
        context.GetOrAddPayload(() => new Decision()).Route = route;

    public static WriteRoute RouteOf(this PipeContext context) =>
        context.TryGetPayload(out Decision? decision) ? decision.Route : WriteRoute.None;
}
