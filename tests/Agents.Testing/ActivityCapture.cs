using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Agents.Testing;

/// <summary>
/// Every span of every activity source in this process, recorded as text (name, status, parent, tags, events, baggage):
/// what an OpenTelemetry exporter would ship, for tests that prove what no trace attribute carries. Listening
/// makes the sources record, so a service with no exporter is seen as one with an exporter would be.
/// </summary>
public sealed class ActivityCapture : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<string> _spans = new();

    public ActivityCapture()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => _spans.Enqueue(Describe(activity)),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public int Count => _spans.Count;

    public string Text => string.Join('\n', _spans);

    public IReadOnlyList<string> Spans => _spans.ToList();

    public void Dispose() => _listener.Dispose();

    private static string Describe(Activity activity)
    {
        var text = new StringBuilder().Append(activity.Source.Name).Append(' ').Append(activity.DisplayName)
            .Append(" op=").Append(activity.OperationName).Append(" status=").Append(activity.StatusDescription)
            .Append(" parent=").Append(activity.Parent is { } parent ? $"{parent.Source.Name}:{parent.DisplayName}" : "");
        foreach (var (key, value) in activity.TagObjects)
            text.Append(' ').Append(key).Append('=').Append(value);
        foreach (var (key, value) in activity.Baggage)
            text.Append(" baggage:").Append(key).Append('=').Append(value);
        foreach (var e in activity.Events)
        {
            text.Append(" event:").Append(e.Name);
            foreach (var (key, value) in e.Tags)
                text.Append(' ').Append(key).Append('=').Append(value);
        }
        return text.ToString();
    }
}
