using System.CommandLine;
using System.Text.Json;

namespace Agents.Cli.Api;

/// <summary>The two ways the tool reads: one resource as the service's JSON, or a list as a table (or as JSON with <c>--json</c>).</summary>
public static class ReadVerbs
{
    /// <summary>A verb that GETs the resource <paramref name="path"/> names for its <paramref name="id"/> and prints its JSON.</summary>
    public static Command Show<T>(ServiceConnection connection, string description, Argument<T> id, Func<T, string> path)
    {
        var command = new Command("show", description) { id };
        command.SetAction(ApiCall.Action(connection, result => async (api, output, cancellationToken) =>
        {
            var answer = await api.GetAsync(path(result.GetValue(id)!), cancellationToken);
            if (!answer.Succeeded)
                return output.Refused(answer);
            output.Json(answer);
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// The action of a listing verb: GETs <paramref name="path"/>, prints one row of <paramref name="columns"/> per item
    /// of <paramref name="items"/>, or the JSON as it came with <paramref name="json"/>.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> List(ServiceConnection connection, Func<ParseResult, string> path,
        Option<bool> json, IReadOnlyList<string> columns, Func<JsonElement, IEnumerable<JsonElement>> items, Func<JsonElement, string[]> row) =>
        ApiCall.Action(connection, result => async (api, output, cancellationToken) =>
        {
            var answer = await api.GetAsync(path(result), cancellationToken);
            if (!answer.Succeeded)
                return output.Refused(answer);
            if (result.GetValue(json))
                output.Json(answer);
            else
                output.Table(columns, items(answer.Json!.Value).Select(row));
            return 0;
        });
}
