namespace Agents.ServiceDefaults.Shadow;

/// <summary>
/// The Wilson score interval of a proportion: unlike "p ± 1.96·√(p(1−p)/n)" it stays inside [0, 1] and is honest for
/// small counts and rates near 100 %, which is exactly where a team decides whether a write kind earned trust.
/// </summary>
public readonly record struct WilsonInterval(double Low, double High)
{
    /// <summary>z for a two-sided 95 % interval.</summary>
    public const double Z95 = 1.959963984540054;

    public static WilsonInterval Of(int successes, int trials, double z = Z95)
    {
        if (trials <= 0)
            return new(0, 1);
        if (successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), $"{successes} successes of {trials} trials");
        double n = trials, p = successes / n, z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        return new(Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
