using System.Text;

namespace Agents.Testing;

/// <summary>
/// Everything written to the console while it lives, still shown on the real console: the services' JSON console
/// log lines, for tests that search every log line. Process-wide, so its tests must not run in parallel.
/// </summary>
public sealed class ConsoleCapture : IDisposable
{
    private readonly TextWriter _original;
    private readonly StringWriter _captured = new();

    public ConsoleCapture()
    {
        _original = Console.Out;
        Console.SetOut(TextWriter.Synchronized(new TeeWriter(_original, _captured)));
    }

    public string Text
    {
        get
        {
            lock (_captured)
                return _captured.ToString();
        }
    }

    public void Dispose() => Console.SetOut(_original);

    private sealed class TeeWriter(TextWriter first, StringWriter second) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            first.Write(value);
            lock (second) second.Write(value);
        }

        public override void Write(string? value)
        {
            first.Write(value);
            lock (second) second.Write(value);
        }

        public override void WriteLine(string? value)
        {
            first.WriteLine(value);
            lock (second) second.WriteLine(value);
        }

        public override void Flush() => first.Flush();
    }
}
