using FleetTwins.Abstractions.Commands;
using FleetTwins.Outbound.Commands;
using FleetTwins.Outbound.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FleetTwins.Outbound.Hosting;

/// <summary>Chooses the command dispatch channels from configuration (<c>Commands:Dispatch</c>).</summary>
public static class CommandDispatchHosting
{
    /// <summary>
    /// The exchange when <paramref name="rabbitMQConnectionString"/> is given (unless <c>Commands__Dispatch__Exchange</c>
    /// is empty), and a signed webhook per <c>Commands__Dispatch__Webhooks__N__Url</c>; with neither, commands are
    /// recorded and followed but not dispatched, and their history says so.
    /// </summary>
    public static IServiceCollection AddFleetTwinsCommandDispatch(this IServiceCollection services, IConfiguration configuration, string? rabbitMQConnectionString)
    {
        services.AddOptions<CommandDispatchOptions>().Bind(configuration.GetSection(CommandDispatchOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CommandDispatchOptions>, CommandDispatchOptionsValidator>();
        services.AddHttpClient(nameof(WebhookDispatchChannel), client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<ICommandDispatcher>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CommandDispatchOptions>>().Value;
            var channels = new List<IDispatchChannel>();
            if (rabbitMQConnectionString is not null && options.Exchange.Length > 0)
            {
                channels.Add(new RabbitMQDispatchChannel(rabbitMQConnectionString, options.Exchange));
            }

            var http = sp.GetRequiredService<IHttpClientFactory>();
            channels.AddRange(options.Webhooks.Select(w => new WebhookDispatchChannel(http.CreateClient(nameof(WebhookDispatchChannel)), w, TimeProvider.System)));
            return channels.Count == 0 ? new NoCommandDispatcher() : new ChannelDispatcher(channels);
        });
        return services;
    }
}
