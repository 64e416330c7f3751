namespace Agents.Sagas.Postgres;

/// <summary>
/// What may happen only once the saga's transaction has committed, such as counting or logging a decision: a first copy that
/// loses the race to another instance rolls back and is retried, and must not have been counted on the way. Scoped:
/// each attempt of a message runs in a scope of its own (MassTransit creates it inside the endpoint's retry filter),
/// so a rolled-back attempt's actions are dropped with its scope.
/// </summary>
public sealed class AfterCommit
{
    private List<Action>? _actions;

    public void Add(Action action) => (_actions ??= []).Add(action);

    /// <summary>
    /// Runs <paramref name="action"/> after the commit in the execution context of now: a log line written then
    /// carries the log scopes and the span of where it was asked for (a ticket's write, not only its message).
    /// </summary>
    public void AddHere(Action action)
    {
        var context = ExecutionContext.Capture();
        Add(context is null ? action : () => ExecutionContext.Run(context, static state => ((Action)state!)(), action));
    }

    /// <summary>Whether anything waits for a commit (the repository checks it is handed a scope not used before).</summary>
    public bool Pending => _actions is { Count: > 0 };

    /// <summary>Runs what waited for the commit, once: the repository calls it after committing, a test after its own save.</summary>
    public void Run()
    {
        var actions = _actions;
        _actions = null;
        if (actions is null)
            return;
        foreach (var action in actions)
            action();
    }
}
