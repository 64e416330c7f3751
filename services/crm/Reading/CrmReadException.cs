namespace Agents.Crm.Reading;

/// <summary>
/// A read that did not give a ticket. <see cref="Retryable"/>: worth another attempt (429, 5xx, timeouts, a body that
/// is not JSON), after <see cref="RetryAfter"/> when the vendor said. The message names the vendor, the status and the
/// path (ids only): never a credential, never ticket text.
/// </summary>
public sealed class CrmReadException(string reason, bool retryable, TimeSpan? retryAfter = null) : Exception(reason)
{
    public bool Retryable { get; } = retryable;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
