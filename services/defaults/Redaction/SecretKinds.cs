namespace Agents.ServiceDefaults.Redaction;

/// <summary>
/// What a redacted value was: the name in its placeholder (<c>[PASSWORD_1]</c>), so a model still understands the
/// ticket ("the customer sent a password"). Listed from most to least specific: when two detectors claim
/// overlapping text, the merged placeholder takes the more specific kind.
/// </summary>
public static class SecretKinds
{
    public const string PrivateKey = "PRIVATE_KEY";
    public const string Jwt = "JWT";
    public const string ApiKey = "APIKEY";
    public const string Bearer = "BEARER";
    public const string Card = "CARD";
    public const string Iban = "IBAN";
    public const string Password = "PASSWORD";
    public const string Code = "CODE";
    public const string Token = "TOKEN";
    public const string Secret = "SECRET";
    public const string Email = "EMAIL";
    public const string Phone = "PHONE";

    private static readonly string[] BySpecificity = [PrivateKey, Jwt, ApiKey, Bearer, Card, Iban, Password, Code, Token, Secret, Email, Phone];

    /// <summary>Lower is more specific.</summary>
    public static int Rank(string kind)
    {
        var i = Array.IndexOf(BySpecificity, kind);
        return i < 0 ? BySpecificity.Length : i;
    }
}
