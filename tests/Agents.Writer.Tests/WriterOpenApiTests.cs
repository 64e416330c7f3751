using Agents.Testing;
using NUnit.Framework;

namespace Agents.Writer.Tests;

/// <summary>
/// The writer's OpenAPI document lists every answer its routes really give (typed results), so an approver's client
/// generated from it handles 202, 409 and the rest, not only 200.
/// </summary>
[TestFixture]
public class WriterOpenApiTests : WriterFixture
{
    [Test]
    public async Task The_document_lists_each_routes_real_status_codes_and_bodies()
    {
        _host = await WriterTestHost.StartAsync();
        var document = await OpenApiResponses.ReadAsync(_host.Api);
        string[] expected =
        [
            "GET /approvals: 200+body",
            "GET /approvals/{id}: 200+body 404+body",
            "POST /approvals/{id}/approve: 200+body 202+body 400+body 404+body 409+body",
            "POST /approvals/{id}/reject: 200+body 202+body 400+body 404+body 409+body",
            "GET /approvals/batches: 200+body",
            "POST /approvals/batches/{batchId}/release: 200+body 202+body 400+body 404+body 409+body",
            "POST /approvals/batches/{batchId}/reject: 200+body 202+body 400+body 404+body 409+body",
            "GET /approvals/history: 200+body 400+body",
            "GET /approvals/me: 200+body",
            "GET /approvals/changes: 200+body",
            "GET /journal: 200+body",
            "GET /escalations: 200+body 400+body",
            "GET /escalations/{id}: 200+body 404+body",
            "POST /escalations/{id}/claim: 200+body 404+body 409+body",
            "POST /escalations/{id}/close: 200+body 400+body 404+body 409+body",
            "GET /shadow/report: 200+body 400+body",
        ];
        Assert.That(document.DescribeAsExpected(expected), Is.EqualTo(expected));
    }
}
