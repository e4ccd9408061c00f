using FleetTwins.Host.Amqp;
using FleetTwins.Streaming.RabbitMQ.Parking;

namespace FleetTwins.Host.Api;

/// <summary><c>/api/parked</c>: AMQP messages set aside with their reason, and their replay.</summary>
public static class ParkedEndpoints
{
    public static IEndpointRouteBuilder MapParkedEndpoints(this IEndpointRouteBuilder routes)
    {
        var parked = routes.MapGroup("/api/parked").WithTags("Parked messages").RequireAuthorization(ApiScopes.Admin);
        parked.MapGet("/", async (IServiceProvider services, int? limit) =>
            Lot(services) is { } lot
                ? Results.Ok((await lot.ListAsync(Math.Clamp(limit ?? 50, 1, 1000))).Select(p => new
                {
                    p.Message.MessageId,
                    p.Message.Type,
                    p.OriginalQueue,
                    p.Reason,
                    p.ParkedAt,
                    Body = System.Text.Encoding.UTF8.GetString(p.Message.Body),
                }))
                : NotConfigured()).WithName("ListParked");
        parked.MapPost("/replay", async (IServiceProvider services, int? limit) =>
            Lot(services) is { } lot
                ? Results.Ok(new { replayed = await lot.ReplayAsync(Math.Clamp(limit ?? 1000, 1, 100_000)) })
                : NotConfigured()).WithName("ReplayParked");
        return routes;
    }

    private static RabbitMQParkingLot? Lot(IServiceProvider services) => services.GetKeyedService<RabbitMQParkingLot>(AmqpIngestion.ProviderName);

    private static IResult NotConfigured() => TypedResults.Problem(statusCode: 404, title: "AMQP ingestion is off",
        detail: "No INVERS queue is configured (Ingestion__Invers__Queues__0), so nothing is parked.");
}
