namespace Agents.Harness;

/// <summary>
/// A server or data file a run needs is not there. <see cref="MustFail"/> is true under <c>CI=true</c>, where a
/// missing server must never pass as a green run; elsewhere a test may be skipped. The harness knows no test
/// framework: tests/Agents.Testing turns this into NUnit's fail or ignore through <see cref="Handler"/>, and the
/// benchmarks let it end the run with its message.
/// </summary>
public sealed class MissingPrerequisiteException(string message, bool mustFail) : Exception(message)
{
    /// <summary>True when the run must fail rather than skip (<see cref="TestServers.RunningUnderCi"/>).</summary>
    public bool MustFail { get; } = mustFail;

    /// <summary>
    /// Called before the exception is thrown, so a test framework can end the test its own way (fail or skip);
    /// when it returns, or is unset, the exception is thrown.
    /// </summary>
    public static Action<MissingPrerequisiteException>? Handler { get; set; }

    /// <summary>Reports <paramref name="why"/> to the <see cref="Handler"/>, then throws.</summary>
    public static Exception Raise(string why, bool mustFail)
    {
        var missing = new MissingPrerequisiteException(why, mustFail);
        Handler?.Invoke(missing);
        throw missing;
    }
}
