using System.CommandLine;

namespace Agents.Cli.Api;

/// <summary>
/// Where one service is and who calls it. The base URL: the verb's URL option, else the service's environment
/// variable, else scripts/run's port on 127.0.0.1. The token: <c>--token</c>, else the variable of the role the
/// service asks for (approver or operator), else <c>AGENTS_TOKEN</c>; never a built-in value. Both options are
/// recursive, so they may stand before or after the sub-verb.
/// </summary>
public sealed class ServiceConnection
{
    private const string AnyRoleVariable = "AGENTS_TOKEN";
    private readonly CliEnvironment _environment;
    private readonly string _urlVariable;
    private readonly string _tokenVariable;

    private ServiceConnection(CliEnvironment environment, string service, string urlVariable, int port, string tokenVariable, string role)
    {
        _environment = environment;
        _urlVariable = urlVariable;
        _tokenVariable = tokenVariable;
        Service = service;
        Url = new Option<string>("--" + service)
        {
            HelpName = "URL",
            Recursive = true,
            Description = $"{service}'s base URL (or {urlVariable})",
            DefaultValueFactory = _ => Variable(urlVariable) ?? $"http://127.0.0.1:{port}",
        };
        Token = new Option<string?>("--token")
        {
            HelpName = "TOKEN",
            Recursive = true,
            Description = $"an {role}'s bearer token (default {tokenVariable}, else {AnyRoleVariable}); the environment keeps it out of shell history",
        };
    }

    /// <summary>The service's name as operators know it (ingest, classifier, writer).</summary>
    public string Service { get; }

    public Option<string> Url { get; }
    public Option<string?> Token { get; }

    public static ServiceConnection Ingest(CliEnvironment environment) =>
        new(environment, "ingest", "AGENTS_INGEST_URL", 5001, "AGENTS_OPERATOR_TOKEN", "operator");

    public static ServiceConnection Classifier(CliEnvironment environment) =>
        new(environment, "classifier", "AGENTS_CLASSIFIER_URL", 5002, "AGENTS_OPERATOR_TOKEN", "operator");

    public static ServiceConnection Writer(CliEnvironment environment) =>
        new(environment, "writer", "AGENTS_WRITER_URL", 5003, "AGENTS_APPROVER_TOKEN", "approver");

    /// <summary>Adds the URL and token options to a verb (its sub-verbs inherit them).</summary>
    public Command AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(Token);
        return command;
    }

    /// <summary>The token for this call, or null and what to do about it.</summary>
    public (string? Token, string? Missing) TokenFor(ParseResult result) =>
        (result.GetValue(Token) is { Length: > 0 } given ? given : Variable(_tokenVariable) ?? Variable(AnyRoleVariable)) is { } token
            ? (token, null)
            : (null, $"No token for {Service}: pass --token or set {_tokenVariable} (or {AnyRoleVariable}).");

    /// <summary>The base URL for this call, or null and why the given one is not usable.</summary>
    public (Uri? BaseUrl, string? Unusable) BaseUrlFor(ParseResult result)
    {
        var text = result.GetRequiredValue(Url);
        return Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? (url, null)
            : (null, $"Not an http(s) URL for {Service}: '{text}' (--{Service} or {_urlVariable}).");
    }

    private string? Variable(string name) => _environment.Variable(name) is { Length: > 0 } value ? value : null;
}
