using Agents.Ingest.Verification;
using Microsoft.Extensions.Options;

namespace Agents.Ingest.Quarantine;

/// <summary>
/// Bearer tokens of the operators in <c>Ingest__Operators__N__Name/Token</c>, compared in constant time. None
/// configured: closed, every call gets 401.
/// </summary>
public sealed class OperatorAuthorization(IOptions<IngestOptions> options) : IEndpointFilter
{
    public const string OperatorItem = "ingest.operator";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        string? name = null;
        // Compare against every operator (no early exit), so timing does not tell how far a guess got.
        foreach (var op in options.Value.Operators)
        {
            if (!string.IsNullOrEmpty(op.Token) && Signatures.SecretEquals(token, op.Token))
                name ??= op.Name ?? "operator";
        }
        if (name is null)
            return Results.Problem(statusCode: 401, title: "An operator's bearer token is required.");
        context.HttpContext.Items[OperatorItem] = name;
        return await next(context);
    }
}
