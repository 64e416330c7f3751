using Agents.ServiceDefaults.Redaction;
using NUnit.Framework;

namespace Agents.Classifier.Tests;

public class RedactorTests
{
    [TestCase("write to jane.doe+billing@example.co.uk please", "jane.doe+billing@example.co.uk", "[EMAIL_1]")]
    [TestCase("call me on +49 30 1234 5678 today", "+49 30 1234 5678", "[PHONE_1]")]
    [TestCase("call (555) 123-4567 today", "(555) 123-4567", "[PHONE_1]")]
    [TestCase("card 4111 1111 1111 1111 exp 12/29", "4111 1111 1111 1111", "[CARD_1]")]
    [TestCase("card 5500-0000-0000-0004 please", "5500-0000-0000-0004", "[CARD_1]")]
    [TestCase("IBAN DE89 3704 0044 0532 0130 00 for the refund", "DE89 3704 0044 0532 0130 00", "[IBAN_1]")]
    [TestCase("IBAN GB82WEST12345698765432 thanks", "GB82WEST12345698765432", "[IBAN_1]")]
    [TestCase("Authorization: Bearer abc123DEF456ghi789.jkl", "abc123DEF456ghi789.jkl", "Bearer [BEARER_1]")]
    [TestCase("my key is sk-proj-AbCdEfGhIjKlMnOpQrStUvWx", "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx", "[APIKEY_1]")]
    [TestCase("api_key=9f8e7d6c5b4a3210", "9f8e7d6c5b4a3210", "api_key=[APIKEY_1]")]
    [TestCase("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk0 here",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk0", "[JWT_1]")]
    [TestCase("password: Hunter2!secret", "Hunter2!secret", "password: [PASSWORD_1]")]
    [TestCase("Mein Passwort ist Geheim123", "Geheim123", "Passwort ist [PASSWORD_1]")]
    public void Redacts_each_kind_into_a_placeholder(string text, string secret, string expected)
    {
        var redacted = Redactor.Redact(text);
        Assert.That(redacted.Text, Does.Not.Contain(secret));
        Assert.That(redacted.Text, Does.Contain(expected));
        Assert.That(redacted.Total, Is.EqualTo(1), redacted.Text);
    }

    [Test]
    public void Same_value_gets_the_same_placeholder_and_different_values_count_up()
    {
        var redacted = Redactor.Redact("from a@example.com to b@example.com, again a@example.com");
        Assert.That(redacted.Text, Is.EqualTo("from [EMAIL_1] to [EMAIL_2], again [EMAIL_1]"));
        Assert.That(redacted.Found["EMAIL"], Is.EqualTo(2));
    }

    [TestCase("order 4111 1111 1111 1112 arrived")] // fails Luhn
    [TestCase("version 2024-01-15 build 1234567")] // a date and an id are not phone numbers
    [TestCase("Our password policy changed last week")]
    public void Leaves_lookalikes_alone(string text)
    {
        var redacted = Redactor.Redact(text);
        Assert.That(redacted.Text, Is.EqualTo(text));
        Assert.That(redacted.Total, Is.Zero);
    }

    [Test]
    public void An_iban_failing_mod_97_is_not_taken_for_one()
    {
        // Its digit groups may still look like a phone number: redacting too much is the safe side.
        var redacted = Redactor.Redact("IBAN DE89 3704 0044 0532 0130 01 wrong");
        Assert.That(redacted.Found.ContainsKey("IBAN"), Is.False);
    }

    [Test]
    public void Luhn_and_iban_checks()
    {
        Assert.That(Redactor.IsLuhnCard("4012888888881881"), Is.True);
        Assert.That(Redactor.IsLuhnCard("4012888888881882"), Is.False);
        Assert.That(Redactor.IsIban("FR14 2004 1010 0505 0001 3M02 606"), Is.True);
        Assert.That(Redactor.IsIban("FR14 2004 1010 0505 0001 3M02 607"), Is.False);
    }

    [TestCase("The reset link works but the new password is refused.")]
    [TestCase("the password is wrong")]
    public void Prose_about_a_password_is_not_a_password(string text) =>
        Assert.That(Redactor.Redact(text).Text, Is.EqualTo(text));

    [Test]
    public void Redacting_redacted_text_again_changes_nothing()
    {
        // Ingest redacts and the classifier redacts again: placeholders must not match any pattern themselves.
        var once = Redactor.Redact("mail jane@example.com, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, "
            + "call +49 30 1234 5678, Bearer abc123DEF456ghi789.jkl, api_key=9f8e7d6c5b4a3210, password: Hunter2!secret, "
            + "key sk-proj-AbCdEfGhIjKlMnOpQrStUvWx");
        Assert.That(once.Total, Is.EqualTo(8), once.Text);
        var twice = Redactor.Redact(once.Text);
        Assert.That(twice.Text, Is.EqualTo(once.Text));
        Assert.That(twice.Total, Is.Zero, twice.Text);
    }
}
