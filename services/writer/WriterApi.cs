using Agents.Writer.Approvals;
using Agents.Writer.Escalations;
using Agents.Writer.Shadow;

namespace Agents.Writer;

/// <summary>
/// Every route of the writer in one table: path, tag, who may call it, and its handler, a static method in its
/// behaviour folder. Handlers return typed results, so the OpenAPI document takes each success status and body from
/// their signatures; the problem statuses are listed here (<c>ProducesProblem</c>), since one ProblemHttpResult type
/// stands for all of them. Not in this table: /health/* and /openapi/v1.json (mapped by ServiceDefaults'
/// <c>MapAgentsHealth</c> and <c>MapOpenApi</c> in <see cref="WriterService"/>) and the approval page's static files
/// (middleware, <see cref="ApprovalPage.UseApprovalPage"/>).
/// </summary>
public static class WriterApi
{
    public static WebApplication MapWriterApi(this WebApplication app)
    {
        // Approvals (an approver's token): every decision goes on the bus; the saga alone changes a write's state.
        var approvals = app.MapGroup("/approvals").RequireAuthorization().WithTags("Approvals");
        approvals.MapGet("/", ApprovalEndpoints.ListAsync)
            .WithSummary("Writes in a state (default: awaiting approval), newest first.");
        approvals.MapGet("/{id:guid}", ApprovalEndpoints.GetAsync)
            .ProducesProblem(StatusCodes.Status404NotFound);
        approvals.MapPost("/{id:guid}/approve", ApprovalEndpoints.ApproveAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        approvals.MapPost("/{id:guid}/reject", ApprovalEndpoints.RejectAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        approvals.MapGet("/batches", BatchEndpoints.ListAsync)
            .WithSummary("Open bulk-review batches, oldest first, each with the contentHash a release or reject names.");
        approvals.MapPost("/batches/{batchId:guid}/release", BatchEndpoints.ReleaseAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        approvals.MapPost("/batches/{batchId:guid}/reject", BatchEndpoints.RejectAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        app.MapGet("/journal", ApprovalEndpoints.JournalAsync).RequireAuthorization().WithTags("Approvals")
            .WithSummary("Writes the journal adapter applied.");

        // What the approval page needs beyond the approval API (the same token), tagged apart in the document.
        var page = app.MapGroup("/approvals").RequireAuthorization().WithTags("Approval page");
        page.MapGet("/me", ApprovalPage.Me)
            .WithSummary("The approver the token belongs to (the page's sign-in check).");
        var feed = ApprovalPage.ChangeFeed(app);
        page.MapGet("/events", (CancellationToken ct) => ApprovalEventsEndpoints.Stream(feed, ct))
            .WithSummary("Server-sent events: \"changed\" with the queue version whenever it changes, \"ping\" while idle.");
        page.MapGet("/changes", (CancellationToken ct) => ApprovalEventsEndpoints.NowAsync(feed, ct))
            .WithSummary("The queue version now, for clients that poll instead of streaming.");
        page.MapGet("/history", TicketHistoryEndpoints.GetAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("The writes proposed for a ticket, each with its history (who, when, what), oldest first.");

        // The escalation inbox (an approver's token): a person's work, settled by conditional updates, no saga.
        var escalations = app.MapGroup("/escalations").RequireAuthorization().WithTags("Escalations");
        escalations.MapGet("/", EscalationEndpoints.ListAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Escalations (default: open and claimed), most urgent and newest first; filter by state, reason and source.");
        escalations.MapGet("/{id:long}", EscalationEndpoints.GetAsync)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One escalation.");
        escalations.MapPost("/{id:long}/claim", EscalationEndpoints.ClaimAsync)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Claims an open escalation for the caller: 409 naming the holder when another person has it.");
        escalations.MapPost("/{id:long}/close", EscalationEndpoints.CloseAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Closes an escalation the caller holds (or an open one) with a note: 409 naming the holder when another person has it.");

        // The shadow report (an approver's token): a suggestion for the policy, never a change to it.
        app.MapGet("/shadow/report", ShadowEndpoints.ReportAsync).RequireAuthorization().WithTags("Shadow")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }
}
