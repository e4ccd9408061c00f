using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace FleetTwins.Host.Hosting;

/// <summary>The one PostgreSQL data source (connection pool) of a cluster-profile silo, shared by everything that queries.</summary>
public static class PostgresDataSource
{
    public static IServiceCollection AddFleetTwinsPostgres(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(_ =>
        {
            var builder = new NpgsqlDataSourceBuilder(configuration.GetPostgresConnectionString());
            // The same few statements run all day: prepare them once per connection (unless the operator chose otherwise).
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
            }

            return builder.Build();
        });
        return services;
    }
}
