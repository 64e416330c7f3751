namespace Agents.Harness.Canaries;

/// <summary>
/// Our own canary set, independent of <c>dev.jsonl</c>: every phrasing of <see cref="CanaryPhrasings"/> several
/// times with fresh random values, wrapped in the greeting and closing of its language, some tickets carrying two
/// secrets. A seed makes it reproducible; <see cref="DefaultSeed"/> is the set the README's figures are for.
/// </summary>
public static class GeneratedCanaries
{
    public const int DefaultSeed = 22;
    public const int DefaultCount = 320;

    private static readonly Dictionary<string, (string[] Greetings, string[] Closings)> Frames = new()
    {
        ["en"] = (["Hello,", "Hi support,", "Dear team,", ""], ["Thanks!", "Best regards,\nSam", "Cheers", ""]),
        ["de"] = (["Hallo,", "Sehr geehrte Damen und Herren,", "Guten Tag,", ""], ["Danke!", "Mit freundlichen Grüßen\nJonas", "Viele Grüße", ""]),
        ["es"] = (["Hola,", "Buenos días,", "Estimado equipo:", ""], ["Gracias.", "Saludos,\nLucía", "Un saludo", ""]),
        ["fr"] = (["Bonjour,", "Madame, Monsieur,", "Salut l'équipe,", ""], ["Merci d'avance.", "Cordialement,\nPierre", "Bien à vous", ""]),
        ["pt"] = (["Olá,", "Bom dia,", "Prezados,", ""], ["Obrigado!", "Atenciosamente,\nJoão", "Abraços", ""]),
    };

    public static IReadOnlyList<CanaryTicket> Create(int seed = DefaultSeed, int count = DefaultCount)
    {
        var random = new Random(seed);
        var values = new SecretValues(random);
        var phrasings = CanaryPhrasings.All;
        var tickets = new List<CanaryTicket>(count);
        for (var i = 0; i < count; i++)
        {
            // Round-robin first, so every phrasing appears about equally often, then a random second one now and then.
            var first = phrasings[i % phrasings.Count];
            var (subject, body, secrets) = first.Make(values);
            var planted = new List<string>(secrets);
            if (random.Next(6) == 0)
            {
                var second = phrasings[random.Next(phrasings.Count)];
                var (_, more, moreSecrets) = second.Make(values);
                body += random.Next(2) == 0 ? "\n\n" + more : " Also: " + more;
                planted.AddRange(moreSecrets);
            }
            var (greetings, closings) = Frames[first.Language];
            var text = string.Join("\n\n", new[] { values.Pick(greetings), body, values.Pick(closings) }.Where(s => s.Length > 0));
            tickets.Add(new CanaryTicket($"GEN-{seed}-{i}", subject, text, planted, first.Kind, first.Language));
        }
        return tickets;
    }
}
