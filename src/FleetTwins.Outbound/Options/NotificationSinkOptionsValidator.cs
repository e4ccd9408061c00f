using Microsoft.Extensions.Options;

namespace FleetTwins.Outbound.Options;

/// <summary>Refuses notification receivers that cannot work: a URL that is not http(s), a secret that is not <c>whsec_</c>.</summary>
public sealed class NotificationSinkOptionsValidator : IValidateOptions<NotificationSinkOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationSinkOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Webhooks.Count; i++)
        {
            WebhookReceiverRules.Check(options.Webhooks[i].Url, options.Webhooks[i].Secret, $"{NotificationSinkOptions.Section}:Webhooks:{i}", failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
