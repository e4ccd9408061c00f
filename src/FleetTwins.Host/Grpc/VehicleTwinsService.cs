using System.Text.Json;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.History;
using FleetTwins.Abstractions.Vehicles;
using FleetTwins.Grains.Identity;
using FleetTwins.Grpc.V1;
using FleetTwins.Host.Api;
using FleetTwins.Host.Api.Alerts;
using FleetTwins.Host.Api.Geofences;
using FleetTwins.Host.Api.History;
using FleetTwins.Host.Api.Rules;
using FleetTwins.Host.Api.Watching;
using FleetTwins.Search.Alerts;
using FleetTwins.Search.Filters;
using FleetTwins.Search.Projection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using ProtoAlert = FleetTwins.Grpc.V1.Alert;
using ProtoCommand = FleetTwins.Grpc.V1.Command;
using ProtoGeofence = FleetTwins.Grpc.V1.Geofence;
using ProtoRule = FleetTwins.Grpc.V1.Rule;
using ProtoVehicle = FleetTwins.Grpc.V1.Vehicle;
using VehicleSummary = FleetTwins.Abstractions.Fleet.VehicleSummary;

namespace FleetTwins.Host.Grpc;

/// <summary>
/// <c>fleettwins.v1.VehicleTwins</c>: the query API over gRPC, with the same grains, projection, watches and rules
/// as REST; rules, geofences and alert actions go through the very use cases REST calls (<see cref="RuleAdministration"/>,
/// <see cref="GeofenceAdministration"/>, <see cref="AlertActions"/>). Errors are gRPC statuses: INVALID_ARGUMENT, NOT_FOUND,
/// ALREADY_EXISTS and FAILED_PRECONDITION (REST's 409s), UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED,
/// UNAVAILABLE (a watch the stopping host ended: reconnect).
/// </summary>
public sealed class VehicleTwinsService(
    IGrainFactory grains,
    AliasLookup aliases,
    IFleetProjection projection,
    IAlertIndex alerts,
    SearchBudget budget,
    TimeProvider clock,
    CommandProviders providers,
    OpenWatches watches,
    RuleAdministration rules,
    GeofenceAdministration geofences,
    AlertActions alertActions,
    IOptions<JsonOptions> json) : VehicleTwins.VehicleTwinsBase
{
    private JsonSerializerOptions Json => json.Value.SerializerOptions;

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task<ProtoVehicle> GetVehicle(GetVehicleRequest request, ServerCallContext context)
    {
        RequireTwinId(request.Id, "id");
        return (await grains.GetGrain<IVehicleTwinGrain>(request.Id).GetAsync())?.ToProto(Json)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No vehicle twin has the id '{request.Id}'."));
    }

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task<ProtoVehicle> ResolveVehicle(ResolveVehicleRequest request, ServerCallContext context)
    {
        var alias = request.IdentifierCase switch
        {
            ResolveVehicleRequest.IdentifierOneofCase.Vin => $"vin:{VehicleIds.NormalizeVin(request.Vin)}",
            ResolveVehicleRequest.IdentifierOneofCase.Imei => $"imei:{request.Imei.Trim()}",
            ResolveVehicleRequest.IdentifierOneofCase.ProviderId => $"{request.ProviderId.Provider.Trim().ToLowerInvariant()}:{request.ProviderId.Id.Trim()}",
            _ => null,
        };
        if (alias is null || !VehicleIds.IsValidTwinId(alias))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                "Give one of vin, imei or provider_id; identifiers are letters, digits, '-', '_', '.' and ':'."));
        }

        var twin = await aliases.ResolveTwinAsync(alias);
        return twin?.ToProto(Json) ?? throw new RpcException(new Status(StatusCode.NotFound, $"No vehicle twin is known as '{alias}'."));
    }

    [Authorize(Policy = ApiScopes.Admin)]
    public override async Task<ProtoVehicle> LinkAlias(LinkAliasRequest request, ServerCallContext context)
    {
        RequireTwinId(request.VehicleId, "vehicle_id");
        var (registration, error) = VehicleRegistrations.Validate(request.VehicleId, null, [request.Alias]);
        if (registration is null || request.Alias.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, error ?? "alias is required"));
        }

        if (await grains.GetGrain<IVehicleTwinGrain>(request.VehicleId).GetAsync() is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No vehicle twin has the id '{request.VehicleId}'."));
        }

        var result = await VehicleRegistrations.RegisterAsync(grains, aliases, request.VehicleId, registration);
        return result.Conflicts.Count == 0
            ? result.Twin.ToProto(Json)
            : throw new RpcException(new Status(StatusCode.AlreadyExists, VehicleRegistrations.Describe(result.Conflicts)));
    }

    [Authorize(Policy = ApiScopes.Admin)]
    public override async Task<ProtoVehicle> UnlinkAlias(UnlinkAliasRequest request, ServerCallContext context)
    {
        RequireTwinId(request.VehicleId, "vehicle_id");
        var alias = VehicleIds.NormalizeAlias(request.Alias)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"alias '{request.Alias}' is not kind:id with kind one of {string.Join(", ", VehicleIds.AliasKinds)}"));
        return (await VehicleRegistrations.UnlinkAsync(grains, aliases, request.VehicleId, alias))?.ToProto(Json)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"Twin '{request.VehicleId}' does not hold the alias '{alias}'."));
    }

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task<SearchVehiclesResponse> SearchVehicles(SearchVehiclesRequest request, ServerCallContext context)
    {
        var query = Invalid(() => FleetEndpoints.ParseQuery(request.Filter, request.Sort, request.Limit == 0 ? null : request.Limit, request.Cursor));
        await ChargeAsync(query.Filter, context);
        var page = await projection.SearchAsync(query, request.Filter, clock.GetUtcNow(), context.CancellationToken);
        var response = new SearchVehiclesResponse { NextCursor = page.NextCursor ?? "" };
        response.Items.AddRange(page.Items.Select(v => v.ToProto()));
        return response;
    }

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task<ListAlertsResponse> ListAlerts(ListAlertsRequest request, ServerCallContext context)
    {
        var query = Invalid(() => AlertEndpoints.ParseQuery(request.Filter, request.Sort, request.Limit == 0 ? null : request.Limit, request.Cursor));
        var http = context.GetHttpContext();
        Refused(budget.Charge(http.User, http.Connection.RemoteIpAddress, query.Filter, await alerts.EstimateRowsAsync(context.CancellationToken), "alerts"));
        var page = await alerts.SearchAsync(query, request.Filter, clock.GetUtcNow(), context.CancellationToken);
        var response = new ListAlertsResponse { NextCursor = page.NextCursor ?? "" };
        response.Items.AddRange(page.Items.Select(a => a.ToProto()));
        return response;
    }

    [Authorize(Policy = ApiScopes.Command)]
    public override Task<ProtoAlert> AcknowledgeAlert(AcknowledgeAlertRequest request, ServerCallContext context) =>
        ActOnAlertAsync(request.Id, clear: false, request.HasReason ? request.Reason : null, context);

    [Authorize(Policy = ApiScopes.Command)]
    public override Task<ProtoAlert> ClearAlert(ClearAlertRequest request, ServerCallContext context) =>
        ActOnAlertAsync(request.Id, clear: true, request.HasReason ? request.Reason : null, context);

    private async Task<ProtoAlert> ActOnAlertAsync(string id, bool clear, string? reason, ServerCallContext context) =>
        await alertActions.ActAsync(id, clear, context.GetHttpContext().User.Identity?.Name ?? "anonymous", reason) switch
        {
            AlertActed.Done done => done.Alert.ToProto(),
            AlertActed.Invalid invalid => throw Failed(StatusCode.InvalidArgument, invalid.Problem),
            AlertActed.NotFound => throw Failed(StatusCode.NotFound, AlertActions.NoAlert(id)),
            AlertActed.ProviderAlert provider => throw Failed(StatusCode.FailedPrecondition, AlertActions.ProviderAlertProblem(provider.Alert)),
            AlertActed.NoLongerHeld gone => throw Failed(StatusCode.FailedPrecondition, AlertActions.NoLongerHeldProblem(gone.Alert, clear)),
            _ => throw new InvalidOperationException("An alert action has no other outcome."),
        };

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task<ListRulesResponse> ListRules(ListRulesRequest request, ServerCallContext context)
    {
        var list = await rules.ListAsync();
        var response = new ListRulesResponse { Version = list.Version };
        response.Items.AddRange(list.Items.Select(r => r.ToProto()));
        return response;
    }

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task<ProtoRule> GetRule(GetRuleRequest request, ServerCallContext context) =>
        (await rules.GetAsync(request.Id))?.ToProto() ?? throw Failed(StatusCode.NotFound, RuleEndpoints.NoRule(request.Id));

    [Authorize(Policy = ApiScopes.Admin)]
    public override async Task<PutRuleResponse> PutRule(PutRuleRequest request, ServerCallContext context)
    {
        var rule = request.Rule ?? throw Failed(StatusCode.InvalidArgument, "rule: required");
        // REST reads at most this much of a rule body (413 beyond); a message may be larger, so the same bound is kept here.
        if (rule.CalculateSize() > RuleEndpoints.MaxBodyBytes)
        {
            throw Failed(StatusCode.InvalidArgument, $"rule: larger than {RuleEndpoints.MaxBodyBytes} bytes, the most a rule may be");
        }

        var body = rule.ToBody();
        return await rules.PutAsync(body.Id, body, request.CreateOnly) switch
        {
            RulePut.Written written => new PutRuleResponse { Rule = written.Rule.ToProto(), Created = written.Created },
            RulePut.Invalid invalid => throw Failed(StatusCode.InvalidArgument, $"rule: {invalid.Problem}"),
            RulePut.Exists exists => throw Failed(StatusCode.AlreadyExists, $"rule: a rule with id '{exists.Id}' exists; PutRule without create_only replaces it."),
            RulePut.Full => throw Failed(StatusCode.FailedPrecondition, RuleEndpoints.TooMany),
            _ => throw new InvalidOperationException("A rule put has no other outcome."),
        };
    }

    [Authorize(Policy = ApiScopes.Admin)]
    public override async Task<DeleteRuleResponse> DeleteRule(DeleteRuleRequest request, ServerCallContext context) =>
        await rules.DeleteAsync(request.Id) ? new DeleteRuleResponse() : throw Failed(StatusCode.NotFound, RuleEndpoints.NoRule(request.Id));

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task<ListGeofencesResponse> ListGeofences(ListGeofencesRequest request, ServerCallContext context)
    {
        var (page, _, problem) = await geofences.ListAsync(request.Limit == 0 ? null : request.Limit, request.Cursor is { Length: > 0 } c ? c : null);
        if (page is null)
        {
            throw Failed(StatusCode.InvalidArgument, problem!);
        }

        var response = new ListGeofencesResponse { NextCursor = page.NextCursor ?? "" };
        response.Items.AddRange(page.Items.Select(g => g.ToProto()));
        return response;
    }

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task<ProtoGeofence> GetGeofence(GetGeofenceRequest request, ServerCallContext context) =>
        await geofences.GetAsync(request.Id) switch
        {
            (_, { } problem) => throw Failed(StatusCode.InvalidArgument, problem),
            ({ } geofence, _) => geofence.ToProto(),
            _ => throw Failed(StatusCode.NotFound, GeofenceEndpoints.NoGeofence(request.Id)),
        };

    [Authorize(Policy = ApiScopes.Admin)]
    public override async Task<PutGeofenceResponse> PutGeofence(PutGeofenceRequest request, ServerCallContext context)
    {
        var geofence = request.Geofence ?? throw Failed(StatusCode.InvalidArgument, "geofence: required");
        var asked = new GeofenceRequest(
            null,
            geofence.Name,
            geofence.AreaCase == ProtoGeofence.AreaOneofCase.Geometry ? RequestFields.Json(geofence.Geometry, "geofence: geometry") : null,
            geofence.Circle is { } circle
                ? new GeofenceCircleRequest(circle.Center is { } center ? new GeofenceCenterRequest(center.Latitude, center.Longitude) : null, circle.RadiusMeters)
                : null,
            geofence.HasMinDwell ? geofence.MinDwell : null,
            geofence.HasExitBufferMeters ? geofence.ExitBufferMeters : null);
        return await geofences.PutAsync(geofence.Id, asked, request.CreateOnly, context.CancellationToken) switch
        {
            GeofencePut.Written written => new PutGeofenceResponse { Geofence = written.Geofence.ToProto(), Created = written.Created },
            GeofencePut.Invalid invalid => throw Failed(StatusCode.InvalidArgument, $"geofence: {invalid.Problem}"),
            GeofencePut.Exists exists => throw Failed(StatusCode.AlreadyExists,
                $"geofence: a geofence has the id '{exists.Id}'; PutGeofence without create_only replaces it."),
            _ => throw new InvalidOperationException("A geofence put has no other outcome."),
        };
    }

    [Authorize(Policy = ApiScopes.Admin)]
    public override async Task<DeleteGeofenceResponse> DeleteGeofence(DeleteGeofenceRequest request, ServerCallContext context) =>
        await geofences.DeleteAsync(request.Id, context.CancellationToken) switch
        {
            (GeofenceDeletion.Deleted, _) => new DeleteGeofenceResponse(),
            (GeofenceDeletion.InvalidId, _) => throw Failed(StatusCode.InvalidArgument, GeofenceRequests.InvalidId),
            (GeofenceDeletion.InUse, var users) => throw Failed(StatusCode.FailedPrecondition, GeofenceAdministration.InUse(request.Id, users)),
            _ => throw Failed(StatusCode.NotFound, GeofenceEndpoints.NoGeofence(request.Id)),
        };

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task<FleetAggregates> GetFleetAggregates(GetFleetAggregatesRequest request, ServerCallContext context)
    {
        var filter = Invalid(() => FilterParser.Parse(request.Filter));
        await ChargeAsync(filter, context);
        return (await projection.AggregateAsync(filter, clock.GetUtcNow(), context.CancellationToken)).ToProto();
    }

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task WatchVehicle(WatchVehicleRequest request, IServerStreamWriter<VehicleWatchEvent> responseStream, ServerCallContext context)
    {
        RequireTwinId(request.Id, "id");
        var vehicle = grains.GetGrain<IVehicleTwinGrain>(request.Id);
        var current = await vehicle.GetAsync()
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No vehicle twin has the id '{request.Id}'."));
        using var place = OpenWatch(context);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, watches.Stopping);
        await foreach (var e in Watch(VehicleWatch.RunAsync(grains, vehicle, current, null, watching.Token), context))
        {
            var message = e.Data switch
            {
                VehicleTwin twin => new VehicleWatchEvent { Twin = twin.ToProto(Json) },
                NotificationView n => new VehicleWatchEvent { Notification = n.ToProto() },
                VehicleCommand c => new VehicleWatchEvent { Command = c.ToProto() },
                WatchSession.DroppedCount d => new VehicleWatchEvent { Dropped = new Dropped { Dropped_ = d.Dropped } },
                _ => null,
            };
            if (message is not null)
            {
                await responseStream.WriteAsync(message, context.CancellationToken);
            }
        }
    }

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task WatchFleet(WatchFleetRequest request, IServerStreamWriter<FleetWatchEvent> responseStream, ServerCallContext context)
    {
        var filter = Invalid(() => FilterParser.Parse(request.Filter));
        using var place = OpenWatch(context);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, watches.Stopping);
        await foreach (var e in Watch(FleetWatch.RunAsync(grains, filter, clock, watching.Token), context))
        {
            var message = e.Data switch
            {
                VehicleSummary v => new FleetWatchEvent { Vehicle = v.ToProto() },
                NotificationView n => new FleetWatchEvent { Notification = n.ToProto() },
                FleetWatch.Left left => new FleetWatchEvent { Left = left.Id },
                FleetWatch.Ready ready => new FleetWatchEvent { Ready = new Ready { Since = Timestamp.FromDateTime(ready.Since) } },
                WatchSession.DroppedCount d => new FleetWatchEvent { Dropped = new Dropped { Dropped_ = d.Dropped } },
                _ => null,
            };
            if (message is not null)
            {
                await responseStream.WriteAsync(message, context.CancellationToken);
            }
        }
    }

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task<GetHistoryResponse> GetHistory(GetHistoryRequest request, ServerCallContext context)
    {
        RequireTwinId(request.VehicleId, "vehicle_id");
        var reading = HistoryParameters.Reading(request.Reading)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"reading is one of {string.Join(", ", HistoryReadings.All)}."));
        var window = Window(request.From, request.To, request.Limit);
        if (!HistoryParameters.TryHistoryCursor(request.Cursor is { Length: > 0 } c ? c : null, out var after))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, HistoryParameters.InvalidCursor));
        }

        await RequireVehicleAsync(request.VehicleId);
        var page = await grains.GetGrain<IVehicleHistoryGrain>(request.VehicleId)
            .GetHistoryAsync(new HistoryQuery(reading, window.From, window.To, window.Limit, after));
        var response = new GetHistoryResponse { NextCursor = page.Next is { } next ? HistoryParameters.Cursor(next) : "" };
        if (page.RetainedFrom is { } retained)
        {
            response.RetainedFrom = Timestamp.FromDateTimeOffset(retained);
        }

        response.Items.AddRange(page.Items.Select(p => p.ToProto()));
        return response;
    }

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task<ListTripsResponse> ListTrips(ListTripsRequest request, ServerCallContext context)
    {
        RequireTwinId(request.VehicleId, "vehicle_id");
        var window = Window(request.From, request.To, request.Limit);
        if (!HistoryParameters.TryTripCursor(request.Cursor is { Length: > 0 } c ? c : null, out var after))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, HistoryParameters.InvalidCursor));
        }

        await RequireVehicleAsync(request.VehicleId);
        var history = grains.GetGrain<IVehicleHistoryGrain>(request.VehicleId);
        var page = await history.ListTripsAsync(new TripQuery(window.From, window.To, window.Limit, after));
        var response = new ListTripsResponse { NextCursor = page.Next is { } next ? HistoryParameters.Cursor(next) : "" };
        foreach (var trip in page.Items)
        {
            var proto = trip.ToProto();
            if (request.IncludeTrack && await history.GetTrackAsync(trip.Id, HistoryEndpoints.MaxTrackLimit, null) is { } track)
            {
                proto.Track.AddRange(track.Points.Select(p => p.ToProto()));
            }

            response.Trips.Add(proto);
        }

        return response;
    }

    /// <summary>The window and limit of a history request, checked as REST checks them.</summary>
    private HistoryParameters.Window Window(Timestamp? from, Timestamp? to, int limit)
    {
        var (window, error) = HistoryParameters.Check(RequestFields.Time(from, "from"), RequestFields.Time(to, "to"),
            limit == 0 ? HistoryParameters.DefaultLimit : limit, clock.GetUtcNow());
        return window ?? throw new RpcException(new Status(StatusCode.InvalidArgument, error!));
    }

    private async Task RequireVehicleAsync(string id)
    {
        if (await grains.GetGrain<IVehicleTwinGrain>(id).GetAsync() is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No vehicle twin has the id '{id}'."));
        }
    }

    [Authorize(Policy = ApiScopes.Read)]
    public override async Task<ListCommandsResponse> ListCommands(ListCommandsRequest request, ServerCallContext context)
    {
        RequireTwinId(request.VehicleId, "vehicle_id");
        var vehicle = grains.GetGrain<IVehicleTwinGrain>(request.VehicleId);
        if (await vehicle.GetAsync() is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"No vehicle twin has the id '{request.VehicleId}'."));
        }

        var response = new ListCommandsResponse();
        response.Commands.AddRange((await vehicle.GetCommandsAsync()).Select(c => c.ToProto()));
        return response;
    }

    [Authorize(Policy = ApiScopes.Command)]
    public override async Task<ProtoCommand> SendCommand(SendCommandRequest request, ServerCallContext context)
    {
        RequireTwinId(request.VehicleId, "vehicle_id");
        var arguments = RequestFields.Arguments(request.Arguments);
        using var document = Invalid(() => JsonDocument.Parse(arguments));
        var rest = new CommandEndpoints.SendCommandRequest(
            request.Command.Length == 0 ? null : request.Command,
            document.RootElement,
            request.IdempotencyKey.Length == 0 ? null : request.IdempotencyKey,
            request.Provider.Length == 0 ? null : request.Provider);
        if (CommandEndpoints.Problem(request.VehicleId, rest) is var (title, detail))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{title}: {detail}"));
        }

        if (rest.Provider is { } provider && !providers.IsKnown(provider))
        {
            throw new RpcException(new Status(StatusCode.NotFound, providers.Unknown(provider)));
        }

        var asked = new CommandRequest(request.Command, arguments, rest.IdempotencyKey, rest.Provider);
        var command = await grains.GetGrain<IVehicleTwinGrain>(request.VehicleId).SendCommandAsync(asked)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No vehicle twin has the id '{request.VehicleId}'."));
        return command.Answers(asked)
            ? command.ToProto()
            : throw new RpcException(new Status(StatusCode.AlreadyExists, CommandEndpoints.IdempotencyConflict(command)));
    }

    /// <summary>A place among the open watches for the caller, or RESOURCE_EXHAUSTED naming the cap that refused it.</summary>
    private OpenWatches.Place OpenWatch(ServerCallContext context) =>
        watches.TryOpen(context.GetHttpContext(), out var refusal) ?? throw new RpcException(new Status(StatusCode.ResourceExhausted, refusal!));

    /// <summary>
    /// The watch's events with the keep-alives left out (HTTP/2 keeps the stream alive); ends when the call does, and
    /// with UNAVAILABLE when the host stops, so that the client knows to reconnect.
    /// </summary>
    private async IAsyncEnumerable<WatchEvent> Watch(IAsyncEnumerable<WatchEvent> events, ServerCallContext context)
    {
        var enumerator = events.GetAsyncEnumerator();
        try
        {
            while (true)
            {
                bool next;
                try
                {
                    next = await enumerator.MoveNextAsync();
                }
                catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested || watches.Stopping.IsCancellationRequested)
                {
                    next = false;
                }

                if (!next)
                {
                    if (watches.Stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
                    {
                        throw new RpcException(new Status(StatusCode.Unavailable, OpenWatches.StoppingReason));
                    }

                    yield break;
                }

                var e = enumerator.Current;
                if (e.Name == WatchEvent.KeepAlive)
                {
                    continue;
                }

                yield return e;
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

    /// <summary>The search budget: INVALID_ARGUMENT for a search too costly to run, RESOURCE_EXHAUSTED once the key's budget is spent.</summary>
    private async Task ChargeAsync(Filter filter, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        Refused(await budget.ChargeAsync(http.User, http.Connection.RemoteIpAddress, filter, context.CancellationToken));
    }

    /// <summary>A charge the budget refused: RESOURCE_EXHAUSTED once the key's budget is spent, else INVALID_ARGUMENT.</summary>
    private static void Refused(SearchCharge charge)
    {
        if (charge.Status != 200)
        {
            throw new RpcException(new Status(charge.Status == 429 ? StatusCode.ResourceExhausted : StatusCode.InvalidArgument, charge.Problem!));
        }
    }

    private static void RequireTwinId(string id, string field)
    {
        if (!VehicleIds.IsValidTwinId(id))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"{field}: a twin id is 1 to {VehicleIds.MaxLength} letters, digits or '-', '_', '.', ':'."));
        }
    }

    private static RpcException Failed(StatusCode code, string detail) => new(new Status(code, detail));

    /// <summary>Runs a parse; what the caller got wrong becomes INVALID_ARGUMENT with the parser's message.</summary>
    private static T Invalid<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (Exception e) when (e is FilterException or ArgumentException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        catch (JsonException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"arguments: {e.Message}"));
        }
    }
}
