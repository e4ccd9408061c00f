using FleetTwins.Grains.Notifications;
using FleetTwins.Host.Hosting;

namespace FleetTwins.Host.Notifications;

/// <summary>Chooses the notification sinks from configuration.</summary>
public static class NotificationSinks
{
    /// <summary>
    /// RabbitMQ (the <c>fleettwins.notifications</c> exchange) wherever <c>ConnectionStrings__RabbitMQ</c> is set, and
    /// signed webhooks to every <c>Notifications__Webhooks__N__Url</c>; with neither there is nothing to wait for.
    /// </summary>
    public static IServiceCollection AddFleetTwinsNotificationSinks(this IServiceCollection services, IConfiguration configuration)
    {
        var webhooks = configuration.GetSection("Notifications:Webhooks").Get<List<WebhookEndpointOptions>>() ?? [];
        var failures = new List<string>();
        for (var i = 0; i < webhooks.Count; i++)
        {
            if (!Uri.TryCreate(webhooks[i].Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                failures.Add($"Notifications:Webhooks:{i}:Url '{webhooks[i].Url}' is not an http(s) URL");
            }

            try
            {
                _ = FleetTwins.Ingestion.Signatures.SvixVerifier.DecodeSecret(webhooks[i].Secret);
            }
            catch (ArgumentException)
            {
                failures.Add($"Notifications:Webhooks:{i}:Secret: a webhook secret must be whsec_ followed by base64");
            }
        }

        if (failures.Count > 0)
        {
            throw new InvalidSettingsException(failures);
        }

        var rabbit = !string.IsNullOrEmpty(configuration.GetConnectionString(ConnectionStringNames.RabbitMQ));
        if (rabbit)
        {
            services.AddSingleton<RabbitMQNotificationSink>();
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
            if (rabbit)
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
