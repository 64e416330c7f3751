namespace Agents.Writer.Tests;

/// <summary>Policy files the tests run the writer with, in the JSON format of before (still read; the shipped file is services/crm/policy.yaml).</summary>
public static class Policies
{
    /// <summary>The shipped default: every write needs a person, except handing a ticket to one (escalate).</summary>
    public static string Shipped => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "policy.yaml"));

    public const string AutoApproveAll = """
        { "permissions": {
            "write:set-priority": { "allowed": true, "requires_approval": false },
            "write:add-tags":     { "allowed": true, "requires_approval": false },
            "write:set-category": { "allowed": true, "requires_approval": false },
            "write:add-note":     { "allowed": true, "requires_approval": false },
            "write:post-reply":   { "allowed": true, "requires_approval": false },
            "write:escalate":     { "allowed": true, "requires_approval": false } } }
        """;

    /// <summary>The example of the issue: approval, auto-approval from 0.95, one kind forbidden.</summary>
    public const string Example = """
        { "permissions": {
            "read:tickets":       { "allowed": true },
            "write:set-priority": { "allowed": true, "requires_approval": true },
            "write:add-tags":     { "allowed": true, "requires_approval": true, "auto_approve_min_confidence": 0.95 },
            "write:set-category": { "allowed": false } } }
        """;

    public static string WriteToTempFile(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"agents-policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
