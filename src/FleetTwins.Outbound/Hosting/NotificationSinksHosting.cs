using FleetTwins.Abstractions.Notifications;
using FleetTwins.Outbound.Notifications;
using FleetTwins.Outbound.Options;
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
    /// and signed webhooks to every <c>Notifications__Webhooks__N__Url</c> (validated at start); with neither there is
    /// nothing to wait for.
    /// </summary>
    public static IServiceCollection AddFleetTwinsNotificationSinks(this IServiceCollection services, IConfiguration configuration, string? rabbitMQConnectionString)
    {
        services.AddOptions<NotificationSinkOptions>().Bind(configuration.GetSection(NotificationSinkOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationSinkOptions>, NotificationSinkOptionsValidator>();
        services.AddHttpClient(nameof(WebhookNotificationSink), client => client.Timeout = TimeSpan.FromSeconds(10));
        if (rabbitMQConnectionString is not null)
        {
            services.AddSingleton(sp => new RabbitMQNotificationSink(rabbitMQConnectionString, sp.GetRequiredService<ILogger<RabbitMQNotificationSink>>()));
        }

        services.AddSingleton(sp =>
        {
            var sinks = new List<INotificationSink>();
            if (rabbitMQConnectionString is not null)
            {
                sinks.Add(sp.GetRequiredService<RabbitMQNotificationSink>());
            }

            var webhooks = sp.GetRequiredService<IOptions<NotificationSinkOptions>>().Value.Webhooks;
            if (webhooks.Count > 0)
            {
                sinks.Add(new WebhookNotificationSink(
                    sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WebhookNotificationSink)), webhooks, TimeProvider.System));
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
