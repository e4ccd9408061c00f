using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace FleetTwins.Outbound.Options;

/// <summary>Refuses dispatch settings that cannot work: a receiver that is not an http(s) URL, a secret that is not <c>whsec_</c>, ...</summary>
public sealed partial class CommandDispatchOptionsValidator : IValidateOptions<CommandDispatchOptions>
{
    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,255}$")]
    private static partial Regex ExchangeName();

    [GeneratedRegex("^[a-z][a-z0-9-]{0,31}$")]
    private static partial Regex ProviderName();

    public ValidateOptionsResult Validate(string? name, CommandDispatchOptions options)
    {
        const string section = CommandDispatchOptions.Section;
        var failures = new List<string>();
        if (options.Exchange.Length > 0 && !ExchangeName().IsMatch(options.Exchange))
        {
            failures.Add($"{section}:Exchange '{options.Exchange}' is not an exchange name (letters, digits, '_', '.', ':', '-')");
        }

        var channels = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Webhooks.Count; i++)
        {
            var webhook = options.Webhooks[i];
            if (WebhookReceiverRules.Check(webhook.Url, webhook.Secret, $"{section}:Webhooks:{i}", failures) && !channels.Add(webhook.Channel))
            {
                failures.Add($"{section}:Webhooks:{i}:Url '{webhook.Url}' names a receiver configured before it");
            }

            for (var j = 0; j < webhook.Providers.Count; j++)
            {
                if (!ProviderName().IsMatch(webhook.Providers[j]))
                {
                    failures.Add($"{section}:Webhooks:{i}:Providers:{j} '{webhook.Providers[j]}' is not a provider name (e.g. volteras)");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
