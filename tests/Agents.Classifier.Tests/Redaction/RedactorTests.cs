using Agents.ServiceDefaults.Redaction;
using NUnit.Framework;

namespace Agents.Classifier.Tests.Redaction;

/// <summary>Each detector on the shapes it is for, and on the lookalikes it must leave alone.</summary>
public class RedactorTests
{
    [TestCase("write to jane.doe+billing@example.co.uk please", "jane.doe+billing@example.co.uk", "[EMAIL_1]")]
    [TestCase("call me on +49 30 1234 5678 today", "+49 30 1234 5678", "[PHONE_1]")]
    [TestCase("call (555) 123-4567 today", "(555) 123-4567", "[PHONE_1]")]
    [TestCase("card 4111 1111 1111 1111 exp 12/29", "4111 1111 1111 1111", "[CARD_1]")]
    [TestCase("card 4111 1111 1111 1111 12/29", "4111 1111 1111 1111", "[CARD_1] 12/29")]
    [TestCase("card 5500-0000-0000-0004 please", "5500-0000-0000-0004", "[CARD_1]")]
    [TestCase("Amex 3782 822463 10005 on file", "3782 822463 10005", "[CARD_1]")]
    [TestCase("IBAN DE89 3704 0044 0532 0130 00 for the refund", "DE89 3704 0044 0532 0130 00", "[IBAN_1] for the refund")]
    [TestCase("IBAN GB82WEST12345698765432 thanks", "GB82WEST12345698765432", "[IBAN_1]")]
    [TestCase("virement sur fr14 2004 1010 0505 0001 3m02 606.", "fr14 2004 1010 0505 0001 3m02 606", "sur [IBAN_1].")]
    [TestCase("Authorization: Bearer abc123DEF456ghi789.jkl", "abc123DEF456ghi789.jkl", "Bearer [BEARER_1]")]
    [TestCase("my key is sk-proj-AbCdEfGhIjKlMnOpQrStUvWx", "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx", "[APIKEY_1]")]
    [TestCase("api_key=9f8e7d6c5b4a3210", "9f8e7d6c5b4a3210", "api_key=[APIKEY_1]")]
    [TestCase("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk0 here",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk0", "[JWT_1]")]
    [TestCase("password: Hunter2!secret", "Hunter2!secret", "password: [PASSWORD_1]")]
    [TestCase("Mein Passwort ist Geheim123", "Geheim123", "Passwort ist [PASSWORD_1]")]
    [TestCase("still no access, pw Tiger512$", "Tiger512$", "pw [PASSWORD_1]")]
    [TestCase("the new password Falcon317* does not work", "Falcon317*", "password [PASSWORD_1] does")]
    [TestCase("Zugangsdaten: max.muster / Maple998*", "Maple998*", "/ [PASSWORD_1]")]
    [TestCase("you can log in with admin:S3cret!x", "S3cret!x", "admin:[PASSWORD_1]")]
    [TestCase("we sign with 9ad8cdadc4ccd4078c763211caeae0ff on our side", "9ad8cdadc4ccd4078c763211caeae0ff", "with [SECRET_1] on")]
    [TestCase("code 144662 expired before I could type it", "144662", "code [CODE_1] expired")]
    [TestCase("Ihr Bestätigungscode lautet 265 394", "265 394", "lautet [CODE_1]")]
    [TestCase("Sunflower42! is my password", "Sunflower42!", "[PASSWORD_1] is my password")]
    [TestCase("Server=db;User Id=app;Password=K9$lw2xq;Timeout=5", "K9$lw2xq", "Password=[PASSWORD_1];Timeout=5")]
    [TestCase("connects to postgres://app:p@ss#w0rd@db.internal:5432/crm", "p@ss#w0rd", "postgres://app:[PASSWORD_1]")]
    [TestCase("open https://portal.example.com/reset?lang=en&token=abcdef0123456789xyz", "abcdef0123456789xyz", "&token=[TOKEN_1]")]
    [TestCase("webhook signing secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "[APIKEY_1]")]
    [TestCase("aws secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY in the config", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "[SECRET_1]")]
    [TestCase("I tried Tr0mb0ne#Blue and it failed", "Tr0mb0ne#Blue", "tried [PASSWORD_1] and")]
    [TestCase("I tried Rocket60! twice", "Rocket60!", "tried [PASSWORD_1] twice")]
    [TestCase("CVV 123 on the back", "123", "CVV [CODE_1] on")]
    [TestCase("my 2FA token 482914 is refused", "482914", "token [TOKEN_1] is")]
    [TestCase("my authenticator shows 482913", "482913", "shows [CODE_1]")]
    [TestCase("the cache is redis://:S3cr3tP@ss@cache:6379", "S3cr3tP@ss", "redis://:[PASSWORD_1]@cache")]
    [TestCase("PIN de la tarjeta: (271 390), gracias", "271 390", "([CODE_1])")]
    [TestCase("el PIN de mi tarjeta de crédito es 4432", "4432", "es [CODE_1]")]
    [TestCase("Código de verificación\n«847018»", "847018", "«[CODE_1]»")]
    public void Redacts_each_kind_into_a_placeholder(string text, string secret, string expected)
    {
        var redacted = Redactor.Redact(text);
        Assert.That(redacted.Text, Does.Not.Contain(secret));
        Assert.That(redacted.Text, Does.Contain(expected));
        Assert.That(redacted.Total, Is.EqualTo(1), redacted.Text);
    }

    [Test]
    public void A_pem_private_key_is_redacted_whole_even_without_its_end_line()
    {
        const string line = "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MqLwRqLrdJQ5nGjO";
        var whole = Redactor.Redact($"key:\n-----BEGIN RSA PRIVATE KEY-----\n{line}\n{line}\n-----END RSA PRIVATE KEY-----\nthanks");
        var cut = Redactor.Redact($"-----BEGIN OPENSSH PRIVATE KEY-----\n{line}\n{line}");
        Assert.That(whole.Text, Is.EqualTo("key:\n[PRIVATE_KEY_1]\nthanks"));
        Assert.That(cut.Text, Is.EqualTo("[PRIVATE_KEY_1]"));
    }

    [Test]
    public void Same_value_gets_the_same_placeholder_and_different_values_count_up()
    {
        var redacted = Redactor.Redact("from a@example.com to b@example.com, again a@example.com");
        Assert.That(redacted.Text, Is.EqualTo("from [EMAIL_1] to [EMAIL_2], again [EMAIL_1]"));
        Assert.That(redacted.Found["EMAIL"], Is.EqualTo(2));
    }

    [TestCase("order 4111 1111 1111 1112 arrived")] // fails Luhn
    [TestCase("tracking 1Z999AA10123456784 and order 123456789012345")]
    [TestCase("version 2024-01-15 build 1234567")] // a date and an id are not phone numbers
    [TestCase("Our password policy changed last week")]
    [TestCase("The reset link works but the new password is refused.")]
    [TestCase("the password is wrong")]
    [TestCase("I have verified my credentials, and they are correct.")]
    [TestCase("My Office365 password reset link does not arrive")]
    [TestCase("The password for my e-mail account expired")]
    [TestCase("Error code 0x80070005 and error code 1603 on install")]
    [TestCase("Fehlercode 4012 beim Start; Postleitzahl 10115; código postal 28001; code postal 75001")]
    [TestCase("Windows 10 / Office365 and iOS/Android14 on the MS-Office365 suite")]
    [TestCase("Meeting at 10:30, ratio 16:9, see https://example.com/docs/v2/page?lang=en")]
    [TestCase("record 550e8400-e29b-41d4-a716-446655440000 is missing")]
    [TestCase("the key features of the Dell XPS 13 9310 ultrabook")]
    [TestCase("Cookies und Zwischengespeicherte Daten löschen")]
    [TestCase("Please sign in with your account and check the Internationalization settings")]
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
        Assert.That(Checksums.IsLuhnCard("4012888888881881"), Is.True);
        Assert.That(Checksums.IsLuhnCard("4012888888881882"), Is.False);
        Assert.That(Checksums.IsIban("FR14 2004 1010 0505 0001 3M02 606"), Is.True);
        Assert.That(Checksums.IsIban("FR14 2004 1010 0505 0001 3M02 607"), Is.False);
        Assert.That(Checksums.IsIban("DE8937040044053201300"), Is.False, "a German IBAN has 22 characters");
    }

    [Test]
    public void Overlapping_findings_become_one_placeholder_of_the_most_specific_kind()
    {
        // The keyword detector sees a password, the vendor detector a GitHub token: one value, one placeholder.
        var redacted = Redactor.Redact("password: ghp_0123456789abcdefghijABCDEFGHIJ012345");
        Assert.That(redacted.Text, Is.EqualTo("password: [APIKEY_1]"));
        Assert.That(redacted.Found.Keys, Is.EquivalentTo(new[] { "APIKEY" }));
    }

    [Test]
    public void Redacting_redacted_text_again_changes_nothing()
    {
        // Ingest redacts and the classifier redacts again: placeholders must not match any pattern themselves.
        var once = Redactor.Redact("mail jane@example.com, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, "
            + "call +49 30 1234 5678, Bearer abc123DEF456ghi789.jkl, api_key=9f8e7d6c5b4a3210, password: Hunter2!secret, "
            + "key sk-proj-AbCdEfGhIjKlMnOpQrStUvWx, pw Tiger512$, code 144662, login / Maple998*, admin:S3cret!x");
        Assert.That(once.Total, Is.EqualTo(12), once.Text);
        var twice = Redactor.Redact(once.Text);
        Assert.That(twice.Text, Is.EqualTo(once.Text));
        Assert.That(twice.Total, Is.Zero, twice.Text);
    }

    [TestCase("My password is Tr0ub4dor&3x, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00. Team My password is Tr0ub4dor&3x.")]
    public void Redacting_redacted_text_again_changes_nothing_when_a_placeholder_ends_a_sentence(string text)
    {
        // Found by replaying a quarantined body: "[IBAN_1]. Team My password" read as a value before "password".
        var once = Redactor.Redact(text);
        var twice = Redactor.Redact(once.Text);
        Assert.That(twice.Text, Is.EqualTo(once.Text));
    }

    [Test]
    public void A_new_value_in_redacted_text_does_not_reuse_a_placeholder_number()
    {
        var redacted = Redactor.Redact("earlier [PASSWORD_1], now the password is Harbor2024!");
        Assert.That(redacted.Text, Is.EqualTo("earlier [PASSWORD_1], now the password is [PASSWORD_2]"));
        Assert.That(redacted.Found["PASSWORD"], Is.EqualTo(1));
    }
}
