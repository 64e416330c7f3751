using Agents.Classifier.Llm;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

/// <summary>Retry-After as 429s really carry it, read without ever throwing.</summary>
public class RetryAfterHeaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [TestCase("250", null, 250)]
    [TestCase(null, "2", 2000)]
    [TestCase(null, "0.5", 500)]
    [TestCase("0", "7", 0)]
    [TestCase("NaN", "3", 3000)]
    [TestCase("-5", "1", 1000)]
    [TestCase(null, "Tue, 01 Dec 2026 09:00:04 GMT", 4000)]
    [TestCase(null, "Tue, 01 Dec 2026 08:00:00 GMT", 0)]
    public void Usable_values_are_read_and_a_past_date_is_zero(string? ms, string? retryAfter, double expectedMs) =>
        Assert.That(RetryAfterHeader.Read(ms, retryAfter, Now), Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));

    [TestCase("1e300", null)]
    [TestCase(null, "99999999999999999999999")]
    [TestCase("Infinity", "Fri, 31 Dec 9999 23:59:59 GMT")]
    [TestCase(null, "Fri, 31 Dec 9999 23:59:59 GMT")]
    public void Absurd_values_are_capped(string? ms, string? retryAfter) =>
        Assert.That(RetryAfterHeader.Read(ms, retryAfter, Now), Is.EqualTo(RetryAfterHeader.Longest));

    [TestCase(null, null)]
    [TestCase("NaN", "NaN")]
    [TestCase("-Infinity", "soon")]
    [TestCase("", " ")]
    [TestCase("0x10", "1,5")]
    public void Unusable_values_are_no_wait_at_all(string? ms, string? retryAfter) =>
        Assert.That(RetryAfterHeader.Read(ms, retryAfter, Now), Is.Null);
}
