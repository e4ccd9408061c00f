namespace FleetTwins.Tests.Infrastructure;

/// <summary>The real PostgreSQL and RabbitMQ that <c>tools/test.sh</c> starts (via <c>tools/services.sh</c>).</summary>
public static class TestServices
{
    /// <summary>An admin connection string to the test PostgreSQL server.</summary>
    public static string PostgresAdmin => Required("FLEETTWINS_TEST_POSTGRES");

    /// <summary>An <c>amqp://</c> URI of the test RabbitMQ broker.</summary>
    public static string RabbitMQ => Required("FLEETTWINS_TEST_RABBITMQ");

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. Integration tests need the services that `bash tools/test.sh` starts; " +
                "to run them by hand: eval \"$(bash tools/services.sh start)\" first.");
}
