using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agents.ServiceDefaults.Security;

/// <summary>
/// The one way a person's tool or page is let into a service's API (as eShop's <c>AddDefaultAuthentication</c>, with
/// named tokens where eShop has an identity server): approvers on the writer, operators on ingest and the classifier.
/// Endpoints say <c>RequireAuthorization()</c>; the holder's name is the user's name (audits, replays).
/// </summary>
public static class TokenAuthentication
{
    public const string Scheme = "NamedToken";

    /// <param name="holdersSection">where the holders are configured, e.g. <c>Approvers</c> (<c>Approvers__0__Name</c>, <c>__Token</c>)</param>
    /// <param name="role">what a holder is, in answers: "approver", "operator"</param>
    public static IServiceCollection AddNamedTokenAuthentication(this IServiceCollection services, string holdersSection, string role)
    {
        services.AddAuthentication(Scheme).AddScheme<NamedTokenOptions, NamedTokenHandler>(Scheme, options =>
        {
            options.HoldersSection = holdersSection;
            options.Role = role;
        });
        services.AddAuthorization();
        return services;
    }
}

public sealed class NamedTokenOptions : AuthenticationSchemeOptions
{
    public string HoldersSection { get; set; } = "";
    public string Role { get; set; } = "";
}

/// <summary>
/// A bearer token (or <c>X-Api-Key</c>) compared in constant time with every configured holder's, read from
/// configuration at each request so a rotated token takes effect without a restart. A holder without a name could not
/// be told apart in an audit trail and never matches; none configured means closed: every call gets 401.
/// </summary>
public sealed class NamedTokenHandler(IOptionsMonitor<NamedTokenOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IConfiguration configuration) : AuthenticationHandler<NamedTokenOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = NamedTokens.Bearer(Request) ?? (Request.Headers["X-Api-Key"].ToString() is { Length: > 0 } apiKey ? apiKey : null);
        if (presented is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        var holders = configuration.GetSection(Options.HoldersSection).Get<List<NamedToken>>() ?? [];
        var match = NamedTokens.Match(presented, holders.Where(h => h.Name.Length > 0));
        if (match is null)
            return Task.FromResult(AuthenticateResult.Fail($"Unknown {Options.Role} token."));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, match.Name), new Claim(ClaimTypes.Role, Options.Role)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    /// <summary>401 as a problem document that says whose token is wanted, and <c>WWW-Authenticate: Bearer</c>.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Response.WriteAsJsonAsync(new ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Title = failure ?? $"An {Options.Role}'s bearer token is required.",
        }, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
