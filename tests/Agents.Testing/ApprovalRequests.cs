using System.Net.Http.Json;
using System.Text.Json;

namespace Agents.Testing;

/// <summary>Decisions through the writer's approval API as a person takes them: on the version they were shown.</summary>
public static class ApprovalRequests
{
    /// <summary>Reads the write (GET /approvals/{id}) and approves the version it shows.</summary>
    public static async Task<HttpResponseMessage> ApproveAsync(this HttpClient writer, Guid id, string? reason = null)
    {
        var write = (await writer.GetFromJsonAsync<JsonElement>($"/approvals/{id}")).GetProperty("write");
        return await writer.PostAsJsonAsync($"/approvals/{id}/approve", new { reason, contentHash = write.GetProperty("contentHash").GetString() });
    }

    /// <summary>Reads the open batches (GET /approvals/batches) and releases or rejects <paramref name="batchId"/> as listed.</summary>
    public static async Task<HttpResponseMessage> DecideBatchAsync(this HttpClient writer, Guid batchId, string verb, string? reason = null)
    {
        var batches = await writer.GetFromJsonAsync<List<JsonElement>>("/approvals/batches") ?? [];
        var shown = batches.SingleOrDefault(b => b.GetProperty("batchId").GetGuid() == batchId);
        var contentHash = shown.ValueKind == JsonValueKind.Object ? shown.GetProperty("contentHash").GetString() : null;
        return await writer.PostAsJsonAsync($"/approvals/batches/{batchId}/{verb}", new { reason, contentHash });
    }
}
