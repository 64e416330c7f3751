using NUnit.Framework;

namespace Agents.Testing;

/// <summary>Polls a condition on an eventually consistent system, with a deadline and a clear failure.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = await probe();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0}s waiting for {what}; last value: {last}");
            await Task.Delay(100);
            last = await probe();
        }
        return last;
    }
}
