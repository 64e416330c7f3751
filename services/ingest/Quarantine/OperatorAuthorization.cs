using Agents.ServiceDefaults.Security;
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
        var op = NamedTokens.Match(NamedTokens.Bearer(context.HttpContext.Request), options.Value.Operators);
        if (op is null)
            return Results.Problem(statusCode: 401, title: "An operator's bearer token is required.");
        context.HttpContext.Items[OperatorItem] = op.Name.Length > 0 ? op.Name : "operator";
        return await next(context);
    }
}
