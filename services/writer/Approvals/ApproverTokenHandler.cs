using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
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
        var presentedBytes = Encoding.UTF8.GetBytes(presented);
        ApproverOptions? match = null;
        foreach (var approver in approvers.Where(a => a.Token.Length > 0 && a.Name.Length > 0))
        {
            // Check every approver, so the time taken says nothing about which token was close.
            if (CryptographicOperations.FixedTimeEquals(presentedBytes, Encoding.UTF8.GetBytes(approver.Token)))
                match = approver;
        }
        if (match is null)
            return Task.FromResult(AuthenticateResult.Fail("Unknown approver token."));

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, match.Name)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    private string? PresentedToken()
    {
        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return authorization["Bearer ".Length..].Trim();
        var apiKey = Request.Headers["X-Api-Key"].ToString();
        return apiKey.Length > 0 ? apiKey : null;
    }
}
