using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace FleetTwins.Postgres.Hosting;

/// <summary>The one PostgreSQL data source (connection pool) of a silo, shared by everything that queries.</summary>
public static class PostgresDataSource
{
    /// <summary>Registers the pool once; later calls keep the first.</summary>
    public static IServiceCollection AddFleetTwinsPostgresDataSource(this IServiceCollection services, string connectionString)
    {
        services.TryAddSingleton(_ =>
        {
            var builder = new NpgsqlDataSourceBuilder(connectionString);
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
