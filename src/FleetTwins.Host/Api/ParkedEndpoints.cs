using System.Text;
using FleetTwins.Host.Amqp;
using FleetTwins.Host.Api.Conventions;
using FleetTwins.Streaming.RabbitMQ.Parking;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FleetTwins.Host.Api;

/// <summary><c>/api/parked</c>: AMQP messages set aside with their reason, and their replay.</summary>
public static class ParkedEndpoints
{
    /// <summary>A parked message as the API shows it: its body as text.</summary>
    public sealed record ParkedView(string? MessageId, string? Type, string OriginalQueue, string Reason, DateTimeOffset ParkedAt, string Body)
    {
        public static ParkedView From(ParkedMessage p) =>
            new(p.Message.MessageId, p.Message.Type, p.OriginalQueue, p.Reason, p.ParkedAt, Encoding.UTF8.GetString(p.Message.Body));
    }

    /// <summary>How many parked messages were sent back to their queues.</summary>
    public sealed record ReplayAnswer(int Replayed);

    public static IEndpointRouteBuilder MapParkedEndpoints(this IEndpointRouteBuilder routes)
    {
        var parked = routes.MapApiGroup("/api/parked", "Parked messages").RequireAuthorization(ApiScopes.Admin);
        parked.MapGet("/", ListAsync).WithName("ListParked");
        parked.MapPost("/replay", ReplayAsync).WithName("ReplayParked");
        return routes;
    }

    private static async Task<Results<Ok<IEnumerable<ParkedView>>, NotFoundProblem>> ListAsync(IServiceProvider services, int? limit) =>
        Lot(services) is { } lot
            ? TypedResults.Ok((await lot.ListAsync(Math.Clamp(limit ?? 50, 1, 1000))).Select(ParkedView.From))
            : NotConfigured();

    private static async Task<Results<Ok<ReplayAnswer>, NotFoundProblem>> ReplayAsync(IServiceProvider services, int? limit) =>
        Lot(services) is { } lot
            ? TypedResults.Ok(new ReplayAnswer(await lot.ReplayAsync(Math.Clamp(limit ?? 1000, 1, 100_000))))
            : NotConfigured();

    private static RabbitMQParkingLot? Lot(IServiceProvider services) => services.GetKeyedService<RabbitMQParkingLot>(AmqpIngestion.ProviderName);

    private static NotFoundProblem NotConfigured() => new("AMQP ingestion is off",
        "No INVERS queue is configured (Ingestion__Invers__Queues__0), so nothing is parked.");
}
