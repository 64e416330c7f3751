using Agents.Classifier.Steps;

namespace Agents.Classifier;

/// <summary>
/// Every route of the classifier in one table (it takes its work from the bus; this is only the operator's window).
/// Handlers return typed results, so the OpenAPI document takes each success status and body from their signatures;
/// the problem statuses are listed here. Not in this table: /health/* and /openapi/v1.json (mapped by
/// ServiceDefaults' <c>MapAgentsHealth</c> and <c>MapOpenApi</c> in <see cref="ClassifierService"/>).
/// </summary>
public static class ClassifierApi
{
    public static WebApplication MapClassifierApi(this WebApplication app)
    {
        // Operators (an operator's token).
        app.MapGet("/tickets/{source}/{externalId}/steps", StepEndpoints.GetAsync)
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The classifier's step log of one ticket (an operator's bearer token).");
        return app;
    }
}
