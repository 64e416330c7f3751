using System.CommandLine.Parsing;
using System.Globalization;

namespace Agents.Replay;

/// <summary>Rows FROM-TO of the file, 1-based and inclusive (<c>--rows 351-700</c>).</summary>
public readonly record struct RowRange(int From, int To)
{
    /// <summary><c>--rows</c>' value, or a parse error saying what is expected.</summary>
    public static RowRange? Parse(ArgumentResult result)
    {
        var parts = result.Tokens.Single().Value.Split('-');
        if (parts is [var a, var b] && CountOption.Positive(a) is { } from && CountOption.Positive(b) is { } to && from <= to)
            return new RowRange(from, to);
        result.AddError($"--rows takes FROM-TO, two whole numbers from 1 with FROM <= TO (e.g. 351-700), not '{result.Tokens.Single().Value}'.");
        return null;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{From}-{To}");
}
