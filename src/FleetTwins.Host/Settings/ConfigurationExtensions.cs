namespace FleetTwins.Host.Settings;

/// <summary>Reads FleetTwins settings from the standard configuration stack.</summary>
public static class ConfigurationExtensions
{
    /// <summary>The bound <c>FleetTwins</c> section (defaults where it is absent).</summary>
    public static FleetTwinsOptions GetFleetTwinsOptions(this WebApplicationBuilder builder) =>
        builder.Configuration.GetFleetTwinsOptions();

    /// <inheritdoc cref="GetFleetTwinsOptions(WebApplicationBuilder)"/>
    public static FleetTwinsOptions GetFleetTwinsOptions(this IConfiguration configuration) =>
        configuration.GetSection(FleetTwinsOptions.Section).Get<FleetTwinsOptions>() ?? new FleetTwinsOptions();

    /// <summary><c>ConnectionStrings:Postgres</c>, or a start-up error that names the key.</summary>
    public static string GetPostgresConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringNames.Postgres) is { Length: > 0 } value
            ? value
            : throw new InvalidSettingsException(
                "The cluster profile needs ConnectionStrings__Postgres (e.g. Host=127.0.0.1;Username=...;Password=...;Database=fleettwins)");

    /// <summary><c>ConnectionStrings:RabbitMQ</c> (an <c>amqp://</c> or <c>amqps://</c> URI), or a start-up error that names the key.</summary>
    public static string GetRabbitMQConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringNames.RabbitMQ) is { Length: > 0 } value
        && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps"
            ? value
            : throw new InvalidSettingsException(
                "ConnectionStrings:RabbitMQ must be an amqp:// or amqps:// URI (e.g. amqp://user:password@host:5672/vhost)");
}
