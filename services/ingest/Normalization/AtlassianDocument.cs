using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Agents.Ingest.Normalization;

/// <summary>
/// Atlassian Document Format (Jira Cloud REST v3 and newer webhooks send descriptions and comment bodies this way)
/// to plain text: blocks on their own lines, list items marked (<c>- </c>, <c>1. </c>, <c>[ ] </c>), table rows as
/// lines of cells joined by <c> | </c>, mentions, emoji, dates and statuses as their text, card URLs and link
/// targets written out. A node type it does not know gives its text children; content of the wrong shape is
/// skipped. Either way the ticket goes through, with a warning. Bounded like the HTML path: nesting past
/// <see cref="TextBounds.MaxNestingDepth"/> keeps its text without structure, and output stops at the limit.
/// </summary>
public static class AtlassianDocument
{
    /// <summary>Unknown node types named in the warning; the rest are only counted, so a hostile body cannot grow the warnings.</summary>
    private const int MaxNamedUnknownTypes = 5;

    public static string ToText(JsonElement document, int limit, List<string> warnings, out bool truncated)
    {
        var writer = new Writer(limit);
        if (document.ValueKind == JsonValueKind.Object && Text(document, "type") != "doc")
            writer.Problem("the document's type is not \"doc\"; its text was read anyway");
        writer.Visit(document, 0);
        warnings.AddRange(writer.Warnings());
        truncated = writer.Full;
        return writer.ToString();
    }

    /// <summary>A string property, or null when it is missing or not a string.</summary>
    private static string? Text(JsonElement node, string name) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? JsonStrings.Read(value) : null;

    private static string? Attr(JsonElement node, string name) =>
        node.ValueKind == JsonValueKind.Object && node.TryGetProperty("attrs", out var attrs) ? Text(attrs, name) : null;

    private static JsonElement? AttrElement(JsonElement node, string name) =>
        PayloadReader.Find(node, "attrs", name);

    private sealed class Writer(int limit)
    {
        private readonly StringBuilder _text = new();
        private readonly List<string> _problems = [];
        private readonly SortedSet<string> _unknownTypes = new(StringComparer.Ordinal);
        private int _cellDepth;
        private bool _afterMarker;

        public bool Full { get; private set; }

        public override string ToString() => _text.ToString();

        /// <summary>One warning per kind of problem, however often it occurs.</summary>
        public void Problem(string what)
        {
            if (!_problems.Contains(what)) _problems.Add(what);
        }

        public IEnumerable<string> Warnings()
        {
            foreach (var problem in _problems)
                yield return "ADF body: " + problem;
            if (_unknownTypes.Count > 0)
            {
                var named = string.Join(", ", _unknownTypes.Take(MaxNamedUnknownTypes));
                var more = _unknownTypes.Count > MaxNamedUnknownTypes ? $" and {_unknownTypes.Count - MaxNamedUnknownTypes} more" : "";
                yield return $"ADF body: node types not known, their text kept: {named}{more}";
            }
        }

        public void Visit(JsonElement node, int depth)
        {
            if (Full) return;
            if (node.ValueKind != JsonValueKind.Object)
            {
                Problem("a node that is not an object was skipped");
                return;
            }
            if (depth > TextBounds.MaxNestingDepth)
            {
                Problem($"nested deeper than {TextBounds.MaxNestingDepth} levels; the deeper text is kept without structure");
                Flatten(node);
                return;
            }
            var type = AtlassianDocument.Text(node, "type");
            switch (type)
            {
                case "text": TextNode(node); break;
                case "hardBreak": if (_cellDepth > 0) Space(); else Append("\n"); break;
                case "mention": Append(Attr(node, "text") ?? "@" + (Attr(node, "id") ?? "someone")); break;
                case "emoji": Append(Attr(node, "text") ?? Attr(node, "shortName") ?? ""); break;
                case "status": Append(Attr(node, "text") ?? ""); break;
                case "date": Date(node); break;
                case "inlineCard": Append(CardUrl(node) ?? ""); break;
                case "blockCard" or "embedCard": LineBreak(); Append(CardUrl(node) ?? ""); LineBreak(); break;
                case "media" or "mediaInline": Append(Attr(node, "alt") ?? ""); break;
                // An editor's hint for an empty field, not something anyone wrote; extensions are app macros.
                case "placeholder" or "extension" or "inlineExtension": break;
                case "rule": LineBreak(); break;
                case "expand" or "nestedExpand": LineBreak(); Append(Attr(node, "title") ?? ""); Block(node, depth); break;
                case "bulletList" or "orderedList" or "taskList" or "decisionList": List(node, type, depth); break;
                case "tableRow": Row(node, depth); break;
                case "doc" or "paragraph" or "heading" or "codeBlock" or "blockquote" or "panel" or "table" or "mediaSingle"
                    or "mediaGroup" or "layoutSection" or "layoutColumn" or "bodiedExtension" or "listItem" or "taskItem"
                    or "decisionItem" or "tableCell" or "tableHeader" or "caption":
                    Block(node, depth);
                    break;
                default:
                    Unknown(type);
                    Children(node, depth);
                    break;
            }
        }

        private void Block(JsonElement node, int depth)
        {
            LineBreak();
            Children(node, depth);
            LineBreak();
        }

        private void Children(JsonElement node, int depth)
        {
            // A table cell or a list item is read here without Visit's check.
            if (node.ValueKind != JsonValueKind.Object)
            {
                Problem("a node that is not an object was skipped");
                return;
            }
            if (!node.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
                return;
            if (content.ValueKind != JsonValueKind.Array)
            {
                Problem("content that is not a list was skipped");
                return;
            }
            foreach (var child in content.EnumerateArray())
                Visit(child, depth + 1);
        }

        /// <summary>Each item on its own line behind its marker; an ordered list counts from its <c>order</c>.</summary>
        private void List(JsonElement list, string type, int depth)
        {
            var number = AttrElement(list, "order") is { ValueKind: JsonValueKind.Number } order && order.TryGetInt32(out var start) && start >= 0 ? start : 1;
            if (!list.TryGetProperty("content", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                Children(list, depth);
                return;
            }
            foreach (var item in items.EnumerateArray())
            {
                var itemType = AtlassianDocument.Text(item, "type");
                if (itemType is not ("listItem" or "taskItem" or "decisionItem"))
                {
                    // Task lists nest task lists directly; anything else odd is still read.
                    Visit(item, depth + 1);
                    continue;
                }
                _afterMarker = false;
                LineBreak();
                Marker(type == "orderedList" ? $"{number++}. "
                    : itemType == "taskItem" ? (Attr(item, "state") == "DONE" ? "[x] " : "[ ] ")
                    : "- ");
                Children(item, depth + 1);
                LineBreak();
            }
        }

        /// <summary>A table row is one line; its cells' paragraphs and breaks become spaces.</summary>
        private void Row(JsonElement row, int depth)
        {
            LineBreak();
            if (!row.TryGetProperty("content", out var cells) || cells.ValueKind != JsonValueKind.Array)
            {
                Children(row, depth);
                return;
            }
            var first = true;
            foreach (var cell in cells.EnumerateArray())
            {
                if (!first) Append(" | ");
                first = false;
                _cellDepth++;
                Children(cell, depth + 1);
                _cellDepth--;
            }
            LineBreak();
        }

        private void TextNode(JsonElement node)
        {
            if (AtlassianDocument.Text(node, "text") is not { } text)
            {
                Problem("a text node without text was skipped");
                return;
            }
            Append(text);
            // The link's target matters to whoever reads the ticket; written after its text unless it is the text.
            if (LinkHref(node) is { } href && !string.Equals(href, text.Trim(), StringComparison.Ordinal))
                Append($" ({href})");
        }

        private string? LinkHref(JsonElement node)
        {
            if (!node.TryGetProperty("marks", out var marks) || marks.ValueKind == JsonValueKind.Null)
                return null;
            if (marks.ValueKind != JsonValueKind.Array)
            {
                Problem("marks that are not a list were ignored");
                return null;
            }
            foreach (var mark in marks.EnumerateArray())
                if (AtlassianDocument.Text(mark, "type") == "link" && Attr(mark, "href") is { Length: > 0 } href)
                    return href;
            return null;
        }

        private static string? CardUrl(JsonElement node) =>
            Attr(node, "url") ?? (AttrElement(node, "data") is { } data ? AtlassianDocument.Text(data, "url") ?? AtlassianDocument.Text(data, "name") : null);

        /// <summary>ADF dates are a Unix timestamp (milliseconds, as a string); written as the day they name.</summary>
        private void Date(JsonElement node)
        {
            if (AttrElement(node, "timestamp") is { } timestamp && Dates.Parse(timestamp) is { } date)
                Append(date.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            else
                Problem("a date without a timestamp was skipped");
        }

        private void Unknown(string? type)
        {
            if (type is null)
            {
                Problem("a node without a type was read for its text");
                return;
            }
            // Only a short, plain name goes into the warning: the type is the sender's text.
            _unknownTypes.Add(new string(type.Where(char.IsAsciiLetterOrDigit).Take(32).ToArray()) is { Length: > 0 } plain ? plain : "?");
        }

        /// <summary>Past the depth bound: every string under the node, in order, without recursion.</summary>
        private void Flatten(JsonElement node)
        {
            var stack = new Stack<JsonElement>();
            var children = new List<JsonElement>();
            stack.Push(node);
            while (stack.Count > 0 && !Full)
            {
                var current = stack.Pop();
                if (current.ValueKind != JsonValueKind.Object) continue;
                if ((AtlassianDocument.Text(current, "text") ?? Attr(current, "text")) is { } text)
                {
                    Space();
                    Append(text);
                }
                if (!current.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
                    continue;
                // Enumerated, not indexed: indexing a JsonElement array walks it from the start each time.
                children.Clear();
                children.AddRange(content.EnumerateArray());
                for (var i = children.Count - 1; i >= 0; i--)
                    stack.Push(children[i]);
            }
        }

        private void Marker(string marker)
        {
            Append(marker);
            _afterMarker = true;
        }

        /// <summary>Ends the line, unless it is empty, just behind a list marker, or inside a table cell (a space there).</summary>
        private void LineBreak()
        {
            if (_cellDepth > 0) Space();
            else if (!_afterMarker && _text.Length > 0 && _text[^1] != '\n') Append("\n");
        }

        private void Space()
        {
            if (_text.Length > 0 && !char.IsWhiteSpace(_text[^1])) Append(" ");
        }

        private void Append(string value)
        {
            if (Full || value.Length == 0) return;
            _afterMarker = false;
            var room = limit - _text.Length;
            if (value.Length > room)
            {
                _text.Append(PlainText.Truncate(value, Math.Max(0, room), out _));
                Full = true;
                return;
            }
            _text.Append(value);
        }
    }
}
