namespace Agents.Webhooks;

/// <summary>One webhook delivery: the sender's delivery id (webhook-id), the ticket it carries, the JSON body.</summary>
public sealed record WebhookDelivery(string WebhookId, string ExternalId, string Body);
