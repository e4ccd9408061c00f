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

    /// <summary>The most parked messages one list shows.</summary>
    public const int MaxListLimit = 1000;

    /// <summary>The most parked messages one replay sends back.</summary>
    public const int MaxReplayLimit = 100_000;

    public static IEndpointRouteBuilder MapParkedEndpoints(this IEndpointRouteBuilder routes)
    {
        var parked = routes.MapApiGroup("/api/parked", "Parked messages").RequireAuthorization(ApiScopes.Admin);
        parked.MapGet("/", ListAsync).WithName("ListParked");
        parked.MapPost("/replay", ReplayAsync).WithName("ReplayParked");
        return routes;
    }

    private static async Task<Results<Ok<IEnumerable<ParkedView>>, BadRequestProblem, NotFoundProblem>> ListAsync(IServiceProvider services, int? limit)
    {
        if (limit is < 1 or > MaxListLimit)
        {
            return InvalidLimit(MaxListLimit);
        }

        return Lot(services) is { } lot ? TypedResults.Ok((await lot.ListAsync(limit ?? 50)).Select(ParkedView.From)) : NotConfigured();
    }

    private static async Task<Results<Ok<ReplayAnswer>, BadRequestProblem, NotFoundProblem>> ReplayAsync(IServiceProvider services, int? limit)
    {
        if (limit is < 1 or > MaxReplayLimit)
        {
            return InvalidLimit(MaxReplayLimit);
        }

        return Lot(services) is { } lot ? TypedResults.Ok(new ReplayAnswer(await lot.ReplayAsync(limit ?? 1000))) : NotConfigured();
    }

    private static BadRequestProblem InvalidLimit(int max) => new("Invalid limit", $"limit is a whole number from 1 to {max}.");

    private static RabbitMQParkingLot? Lot(IServiceProvider services) => services.GetKeyedService<RabbitMQParkingLot>(AmqpIngestion.ProviderName);

    private static NotFoundProblem NotConfigured() => new("AMQP ingestion is off",
        "No INVERS queue is configured (Ingestion__Invers__Queues__0), so nothing is parked.");
}
