namespace Agents.Writer.Crm;

/// <summary>
/// A CRM refused or could not take a write. <see cref="Retryable"/>: worth another attempt (429, 5xx, timeouts);
/// otherwise the saga fails with <see cref="Exception.Message"/> as the reason. The message never carries a
/// credential: it names the vendor, the status and the vendor's error text only.
/// </summary>
public sealed class CrmWriteException(string reason, bool retryable, TimeSpan? retryAfter = null) : Exception(reason)
{
    public bool Retryable { get; } = retryable;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
