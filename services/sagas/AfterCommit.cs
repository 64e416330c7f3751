namespace Agents.Sagas.Postgres;

/// <summary>
/// What may happen only once the saga's transaction has committed, such as counting a proposal: a first copy that
/// loses the race to another instance rolls back and is retried, and must not have been counted on the way. Each
/// attempt of a message gets its own (a payload of its repository context), so a rolled-back attempt's work is dropped.
/// </summary>
public sealed class AfterCommit
{
    private List<Action>? _actions;

    public void Add(Action action) => (_actions ??= []).Add(action);

    internal void Run()
    {
        if (_actions is null)
            return;
        foreach (var action in _actions)
            action();
    }
}
