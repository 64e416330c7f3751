using System.Security.Claims;
using System.Text.Encodings.Web;
using Agents.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Agents.Writer.Approvals;

/// <summary>Authenticates an approver by bearer token or X-Api-Key, compared in constant time.</summary>
public sealed class ApproverTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IConfiguration configuration) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApproverToken";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedToken();
        if (presented is null)
            return Task.FromResult(AuthenticateResult.NoResult());

        var approvers = configuration.GetSection(ApproverOptions.Section).Get<List<ApproverOptions>>() ?? [];
        // An approver without a name could not be told apart in the audit trail: such an entry never matches.
        var match = NamedTokens.Match(presented, approvers.Where(a => a.Name.Length > 0));
        if (match is null)
            return Task.FromResult(AuthenticateResult.Fail("Unknown approver token."));

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, match.Name)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    private string? PresentedToken()
    {
        if (NamedTokens.Bearer(Request) is { } bearer)
            return bearer;
        var apiKey = Request.Headers["X-Api-Key"].ToString();
        return apiKey.Length > 0 ? apiKey : null;
    }
}
