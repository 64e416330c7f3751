using Agents.Classifier.Pipeline;
using Agents.Contracts;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

public class StepRecorderTests
{
    [Test]
    public void The_outline_of_lost_steps_names_each_step_and_outcome_but_no_detail()
    {
        var steps = new StepRecorder(new TicketReceived { Source = "generic", ExternalId = "T-1", EventKind = "created", DeliveryId = "d-1" });
        steps.Add("received", detail: "event created");
        steps.Add("llm-request", outcome: "http_error", detail: "HTTP 500");
        steps.Add("fallback", outcome: "rules", detail: "LLM call failed: HTTP 500");
        steps.Add("escalation", outcome: "low_confidence", detail: "confidence 0.41 below 0.7");

        Assert.That(steps.Outline(), Is.EqualTo("received, llm-request:http_error, fallback:rules, escalation:low_confidence"));
    }
}
