using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Agents.Replay;

/// <summary>An option that takes a count from 1 (<c>--limit 50</c>), refused with a clear message otherwise.</summary>
public static class CountOption
{
    public static Option<int?> Create(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result =>
        {
            if (Positive(result.Tokens.Single().Value) is { } n)
                return n;
            result.AddError($"{name} takes a whole number from 1, not '{result.Tokens.Single().Value}'.");
            return null;
        },
    };

    public static int? Positive(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
}
