using System.Globalization;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Agents.Ingest.Normalization;

/// <summary>
/// Turns whatever a vendor sent into clean plain text: HTML through a real parser (AngleSharp) with block elements
/// as line breaks, control characters and lone surrogates removed, Unicode normalized (NFC), length bounded.
/// </summary>
public static class PlainText
{
    private static readonly HtmlParser Parser = new(new HtmlParserOptions { IsNotConsumingCharacterReferences = false });

    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
        "hr", "section", "article", "header", "footer",
    };

    private static readonly HashSet<string> Invisible = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "head", "template", "noscript" };

    /// <summary>True when the text holds something that looks like a tag or an entity.</summary>
    public static bool LooksLikeHtml(string text)
    {
        for (var i = text.IndexOf('<'); i >= 0 && i < text.Length - 1; i = text.IndexOf('<', i + 1))
        {
            var next = text[i + 1];
            if (char.IsAsciiLetter(next) || next is '/' or '!')
                return true;
        }
        return text.Contains("&nbsp;", StringComparison.Ordinal) || text.Contains("&amp;", StringComparison.Ordinal);
    }

    public static string FromHtml(string html)
    {
        var document = Parser.ParseDocument(html);
        var text = new StringBuilder(html.Length);
        // Iterative walk: a body of deeply nested tags must not overflow the stack.
        var stack = new Stack<(INode Node, bool Closing)>();
        if (document.Body is { } body)
            stack.Push((body, false));
        while (stack.Count > 0)
        {
            var (node, closing) = stack.Pop();
            if (node is IElement element)
            {
                if (Invisible.Contains(element.LocalName))
                    continue;
                var block = BlockElements.Contains(element.LocalName);
                if (closing)
                {
                    if (block) text.Append('\n');
                    continue;
                }
                if (block) text.Append('\n');
                stack.Push((node, true));
                for (var child = node.LastChild; child is not null; child = child.PreviousSibling)
                    stack.Push((child, false));
            }
            else if (node.NodeType == NodeType.Text)
            {
                text.Append(node.TextContent);
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// Control characters (except line breaks and tabs), lone surrogates and non-characters removed, line breaks
    /// unified, runs of blank space collapsed, NFC. <paramref name="singleLine"/> turns line breaks into spaces.
    /// </summary>
    public static string Clean(string? value, bool singleLine = false)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        var text = new StringBuilder(value.Length);
        var pendingSpace = false;
        var newlines = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    Flush();
                    text.Append(c).Append(value[++i]);
                }
                continue;
            }
            if (char.IsLowSurrogate(c) || c is '\uFFFE' or '\uFFFF' or '\uFEFF')
                continue;
            if (c == '\n' || (c == '\r'))
            {
                if (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n')
                    i++;
                if (singleLine) pendingSpace = true;
                else newlines++;
                continue;
            }
            if (char.IsWhiteSpace(c) || c == '\t')
            {
                pendingSpace = true;
                continue;
            }
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format && c is not '\u200D')
                continue;
            Flush();
            text.Append(c);
        }
        var cleaned = text.ToString();
        return cleaned.IsNormalized(NormalizationForm.FormC) ? cleaned : cleaned.Normalize(NormalizationForm.FormC);

        void Flush()
        {
            if (text.Length > 0)
            {
                if (newlines > 0) text.Append(newlines > 1 ? "\n\n" : "\n");
                else if (pendingSpace) text.Append(' ');
            }
            newlines = 0;
            pendingSpace = false;
        }
    }

    /// <summary>The text cut to at most <paramref name="max"/> characters, never inside a surrogate pair.</summary>
    public static string Truncate(string text, int max, out bool truncated)
    {
        truncated = text.Length > max;
        if (!truncated)
            return text;
        var cut = max;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
            cut--;
        return text[..cut];
    }
}
