using FleetTwins.Abstractions.Notifications;
using FleetTwins.Outbound.Notifications;
using FleetTwins.Outbound.Options;
using FleetTwins.Signatures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FleetTwins.Outbound.Hosting;

/// <summary>Chooses the notification sinks from configuration.</summary>
public static class NotificationSinksHosting
{
    /// <summary>
    /// RabbitMQ (the <c>fleettwins.notifications</c> exchange) when <paramref name="rabbitMQConnectionString"/> is given,
    /// and signed webhooks to every <c>Notifications__Webhooks__N__Url</c>; with neither there is nothing to wait for.
    /// A receiver that cannot work stops the host at start-up, every failure named.
    /// </summary>
    public static IServiceCollection AddFleetTwinsNotificationSinks(this IServiceCollection services, IConfiguration configuration, string? rabbitMQConnectionString)
    {
        var webhooks = configuration.GetSection(NotificationWebhookOptions.Section).Get<List<NotificationWebhookOptions>>() ?? [];
        var failures = new List<string>();
        for (var i = 0; i < webhooks.Count; i++)
        {
            if (!Uri.TryCreate(webhooks[i].Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                failures.Add($"{NotificationWebhookOptions.Section}:{i}:Url '{webhooks[i].Url}' is not an http(s) URL");
            }

            try
            {
                _ = SvixVerifier.DecodeSecret(webhooks[i].Secret);
            }
            catch (ArgumentException)
            {
                failures.Add($"{NotificationWebhookOptions.Section}:{i}:Secret: a webhook secret must be whsec_ followed by base64");
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(NotificationWebhookOptions.Section, typeof(NotificationWebhookOptions), failures);
        }

        if (rabbitMQConnectionString is not null)
        {
            services.AddSingleton(sp => new RabbitMQNotificationSink(rabbitMQConnectionString, sp.GetRequiredService<ILogger<RabbitMQNotificationSink>>()));
        }

        if (webhooks.Count > 0)
        {
            services.AddHttpClient(nameof(WebhookNotificationSink), client => client.Timeout = TimeSpan.FromSeconds(10));
            services.AddSingleton(sp => new WebhookNotificationSink(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WebhookNotificationSink)), webhooks, TimeProvider.System));
        }

        services.AddSingleton<INotificationSink>(sp =>
        {
            var sinks = new List<INotificationSink>();
            if (rabbitMQConnectionString is not null)
            {
                sinks.Add(sp.GetRequiredService<RabbitMQNotificationSink>());
            }

            if (webhooks.Count > 0)
            {
                sinks.Add(sp.GetRequiredService<WebhookNotificationSink>());
            }

            return sinks.Count switch
            {
                0 => new NoNotificationSink(),
                1 => sinks[0],
                _ => new CompositeNotificationSink(sinks),
            };
        });
        return services;
    }
}
