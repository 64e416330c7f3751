using System.Globalization;
using System.Net;
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

    /// <summary>
    /// Deeper than this (by a cheap scan of the tags) and the HTML is not given to the parser: tree construction
    /// is quadratic in nesting depth, so a body of 50,000 nested tags would hold a request for most of a minute.
    /// </summary>
    public const int MaxParsedDepth = TextBounds.MaxNestingDepth;

    public static string FromHtml(string html) => FromHtml(html, out _);

    /// <summary>The text of the HTML; <paramref name="stripped"/> says the markup was too deep and tags were only removed.</summary>
    public static string FromHtml(string html, out bool stripped)
    {
        stripped = NestingDepth(html) > MaxParsedDepth;
        return stripped ? StripTags(html) : Parse(html);
    }

    private static string Parse(string html)
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
                if (block && (text.Length == 0 || text[^1] != '\n'))
                    text.Append('\n');
                if (closing)
                    continue;
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

    /// <summary>The deepest nesting of opening tags, counting void and self-closed tags as nothing (a linear scan).</summary>
    public static int NestingDepth(string html)
    {
        int depth = 0, max = 0;
        foreach (var (name, closing, selfClosing, _, _) in Tags(html))
        {
            if (closing) depth = Math.Max(0, depth - 1);
            else if (!selfClosing && !VoidElements.Contains(name) && ++depth > max) max = depth;
        }
        return max;
    }

    /// <summary>Tags removed (block tags as line breaks, script and style with their content), entities decoded.</summary>
    private static string StripTags(string html)
    {
        var text = new StringBuilder(html.Length);
        var position = 0;
        string? skipUntil = null;
        foreach (var (name, closing, _, start, end) in Tags(html))
        {
            if (skipUntil is null)
                text.Append(html, position, start - position);
            position = end;
            if (skipUntil is not null)
            {
                if (closing && name.Equals(skipUntil, StringComparison.OrdinalIgnoreCase)) skipUntil = null;
                continue;
            }
            if (!closing && Invisible.Contains(name)) skipUntil = name;
            else if (BlockElements.Contains(name)) text.Append('\n');
        }
        if (skipUntil is null)
            text.Append(html, position, html.Length - position);
        return WebUtility.HtmlDecode(text.ToString());
    }

    /// <summary>Every tag: its name, whether it closes or closes itself, and where it starts and ends.</summary>
    private static IEnumerable<(string Name, bool Closing, bool SelfClosing, int Start, int End)> Tags(string html)
    {
        for (var i = html.IndexOf('<'); i >= 0 && i < html.Length - 1; i = html.IndexOf('<', i + 1))
        {
            var p = i + 1;
            var closing = html[p] == '/';
            if (closing) p++;
            var nameStart = p;
            while (p < html.Length && char.IsAsciiLetterOrDigit(html[p])) p++;
            if (p == nameStart || !char.IsAsciiLetter(html[nameStart]))
                continue;
            var close = html.IndexOf('>', p);
            if (close < 0)
                yield break;
            yield return (html[nameStart..p], closing, html[close - 1] == '/', i, close + 1);
            i = close;
        }
    }

    private static readonly HashSet<string> VoidElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    };

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
