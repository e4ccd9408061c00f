using System.Text.Json;
using FleetTwins.Abstractions.Commands;
using FleetTwins.Abstractions.History;
using FleetTwins.Grpc.V1;
using FleetTwins.Host.Api;
using FleetTwins.Host.Api.Geofences;
using FleetTwins.Host.Api.Rules;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Alert = FleetTwins.Abstractions.Alerts.Alert;
using FleetAggregates = FleetTwins.Search.Queries.FleetAggregates;
using Measurement = FleetTwins.Abstractions.Vehicles.Measurement;
using ProtoAggregates = FleetTwins.Grpc.V1.FleetAggregates;
using ProtoAlert = FleetTwins.Grpc.V1.Alert;
using ProtoAlertStep = FleetTwins.Grpc.V1.AlertStep;
using ProtoCommand = FleetTwins.Grpc.V1.Command;
using ProtoGeofence = FleetTwins.Grpc.V1.Geofence;
using ProtoMeasurement = FleetTwins.Grpc.V1.Measurement;
using ProtoNotification = FleetTwins.Grpc.V1.Notification;
using ProtoRule = FleetTwins.Grpc.V1.Rule;
using ProtoStateReading = FleetTwins.Grpc.V1.StateReading;
using ProtoSummary = FleetTwins.Grpc.V1.VehicleSummary;
using ProtoTrackPoint = FleetTwins.Grpc.V1.TrackPoint;
using ProtoTransition = FleetTwins.Grpc.V1.CommandTransition;
using ProtoVehicle = FleetTwins.Grpc.V1.Vehicle;
using StateReading = FleetTwins.Abstractions.Vehicles.StateReading;
using TrackPoint = FleetTwins.Abstractions.History.TrackPoint;
using VehicleSummary = FleetTwins.Abstractions.Fleet.VehicleSummary;
using VehicleTwin = FleetTwins.Abstractions.Vehicles.VehicleTwin;

namespace FleetTwins.Host.Grpc;

/// <summary>Turns twins, summaries, commands, notifications, rules and geofences into their <c>fleettwins.v1</c> messages, and back where a request carries one.</summary>
internal static class ProtoMapping
{
    public static ProtoVehicle ToProto(this VehicleTwin twin, JsonSerializerOptions json)
    {
        var vehicle = new ProtoVehicle
        {
            Id = twin.Id,
            Vin = twin.Vin ?? "",
            Online = twin.Online,
            LastSeenAt = Time(twin.LastSeenAt),
            StateOfCharge = Reading(twin.StateOfCharge),
            EnergyRemaining = Reading(twin.EnergyRemaining),
            Range = Reading(twin.Range),
            Odometer = Reading(twin.Odometer),
            Location = twin.Location is { } l
                ? new Location { Latitude = l.Latitude, Longitude = l.Longitude, Address = l.Address ?? "", At = Time(l.At), Source = l.Source, Extra = Extra(l.Extra) }
                : null,
            Charging = State(twin.Charging),
            Plug = State(twin.Plug),
            ChargingTarget = twin.ChargingTarget is { } t ? new ChargingTarget { TargetSoc = t.TargetSoc, Source = t.Source, At = Time(t.At) } : null,
            InRental = twin.Rental?.InRental ?? false,
            Version = twin.Version,
            CreatedAt = Time(twin.CreatedAt),
            UpdatedAt = Time(twin.UpdatedAt),
            Twin = Struct(JsonSerializer.Serialize(twin, json)),
        };
        vehicle.Aliases.AddRange(twin.Aliases);
        foreach (var (position, pressure) in twin.Tires)
        {
            vehicle.Tires[position] = Reading(pressure);
        }

        vehicle.ActiveAlerts.AddRange(twin.ActiveAlerts.Select(a => new ActiveAlert
        {
            Id = a.Id,
            Kind = a.Kind,
            Severity = a.Severity ?? "",
            Title = a.Title ?? "",
            At = Time(a.At),
            Source = a.Source,
        }));
        return vehicle;
    }

    public static ProtoAlert ToProto(this Alert a)
    {
        var alert = new ProtoAlert
        {
            Id = a.Id,
            Origin = a.Origin,
            Severity = a.Severity,
            Status = a.Status,
            RaisedAt = Time(a.RaisedAt),
            ClearedAt = Time(a.ClearedAt),
            AcknowledgedAt = Time(a.AcknowledgedAt),
            Count = a.Count,
            Values = Struct(a.Values),
            Version = a.Version,
            UpdatedAt = Time(a.UpdatedAt),
        };
        if (a.Rule is { } rule)
        {
            alert.Rule = rule;
        }

        if (a.VehicleId is { } vehicleId)
        {
            alert.VehicleId = vehicleId;
        }

        if (a.Name is { } name)
        {
            alert.Name = name;
        }

        if (a.AcknowledgedBy is { } acknowledgedBy)
        {
            alert.AcknowledgedBy = acknowledgedBy;
        }

        alert.Timeline.AddRange(a.Timeline.Select(s =>
        {
            var step = new ProtoAlertStep { Status = s.Status, At = Time(s.At) };
            if (s.By is { } by)
            {
                step.By = by;
            }

            if (s.Reason is { } reason)
            {
                step.Reason = reason;
            }

            return step;
        }));
        return alert;
    }

    public static ProtoRule ToProto(this RuleEndpoints.RuleView r) => new()
    {
        Id = r.Id,
        Name = r.Name,
        When = r.When,
        For = r.For,
        ClearWhen = r.ClearWhen ?? "",
        ClearFor = r.ClearFor,
        Severity = r.Severity,
        AppliesTo = r.AppliesTo ?? "",
        NotifyEvery = r.NotifyEvery ?? "",
        Enabled = r.Enabled,
        Version = r.Version,
        UpdatedAt = Time(r.UpdatedAt),
        OpenAlerts = r.OpenAlerts,
    };

    /// <summary>A rule message as the REST body it stands for, which the one rule validation reads: empty text is absent (proto3 cannot tell them apart).</summary>
    public static RuleEndpoints.RuleBody ToBody(this ProtoRule r) => new(
        NonEmpty(r.Id), NonEmpty(r.Name), NonEmpty(r.When), NonEmpty(r.For), NonEmpty(r.ClearWhen), NonEmpty(r.ClearFor), NonEmpty(r.Severity),
        NonEmpty(r.AppliesTo), r.HasEnabled ? r.Enabled : null, NonEmpty(r.NotifyEvery));

    public static ProtoGeofence ToProto(this GeofenceView g)
    {
        var geofence = new ProtoGeofence
        {
            Id = g.Id,
            Name = g.Name,
            MinDwell = g.MinDwell,
            ExitBufferMeters = g.ExitBufferMeters,
            CreatedAt = Time(g.CreatedAt),
            UpdatedAt = Time(g.UpdatedAt),
            Version = g.Version,
        };
        if (g.Geometry is { } geometry)
        {
            geofence.Geometry = geometry.GetRawText();
        }
        else if (g.Circle is { } circle)
        {
            geofence.Circle = new GeofenceCircle
            {
                Center = new LatLng { Latitude = circle.Center.Latitude, Longitude = circle.Center.Longitude },
                RadiusMeters = circle.RadiusMeters,
            };
        }

        return geofence;
    }

    public static ProtoSummary ToProto(this VehicleSummary v)
    {
        var summary = new ProtoSummary
        {
            Id = v.Id,
            Version = v.Version,
            Online = v.Online,
            LastSeenAt = Time(v.LastSeenAt),
            OfflineSince = Time(v.OfflineSince),
            Rental = v.Rental,
            Alerts = v.Alerts,
            HighAlerts = v.HighAlerts,
            UpdatedAt = Time(v.UpdatedAt),
        };
        if (v.Vin is { } vin)
        {
            summary.Vin = vin;
        }

        if (v.Make is { } make)
        {
            summary.Make = make;
        }

        if (v.Name is { } name)
        {
            summary.Name = name;
        }

        if (v.Plate is { } plate)
        {
            summary.Plate = plate;
        }

        if (v.Group is { } group)
        {
            summary.Group = group;
        }

        summary.Tags.AddRange(v.Tags);

        if (v.Model is { } model)
        {
            summary.Model = model;
        }

        if (v.Soc is { } soc)
        {
            summary.Soc = soc;
        }

        if (v.Charging is { } charging)
        {
            summary.Charging = charging;
        }

        if (v.Plug is { } plug)
        {
            summary.Plug = plug;
        }

        if (v.Latitude is { } latitude)
        {
            summary.Latitude = latitude;
        }

        if (v.Longitude is { } longitude)
        {
            summary.Longitude = longitude;
        }

        if (v.Odometer is { } odometer)
        {
            summary.Odometer = odometer;
        }

        if (v.Range is { } range)
        {
            summary.Range = range;
        }

        return summary;
    }

    public static ProtoAggregates ToProto(this FleetAggregates a)
    {
        var aggregates = new ProtoAggregates { Count = a.Count, Online = a.Online };
        if (a.OnlineRatio is { } ratio)
        {
            aggregates.OnlineRatio = ratio;
        }

        if (a.AverageSoc is { } soc)
        {
            aggregates.AverageSoc = soc;
        }

        foreach (var (state, count) in a.ByCharging)
        {
            aggregates.ByCharging[state] = count;
        }
        return aggregates;
    }

    public static ProtoCommand ToProto(this VehicleCommand c)
    {
        var command = new ProtoCommand
        {
            Id = c.Id,
            Command_ = c.Command,
            Arguments = Struct(CommandEndpoints.CommandView.ArgumentsJson(c)),
            Status = c.Status.ToString(),
            CreatedAt = Time(c.CreatedAt),
            UpdatedAt = Time(c.UpdatedAt),
            Deadline = c.ReportedBy is null ? Time(c.Deadline) : null,
            IdempotencyKey = c.IdempotencyKey ?? "",
            ProviderCommandId = c.ProviderCommandId ?? "",
            Provider = c.Provider ?? "",
            ReportedBy = c.ReportedBy ?? "",
        };
        command.History.AddRange(c.History.Select(h => new ProtoTransition
        {
            Status = h.Status.ToString(),
            At = Time(h.At),
            Reason = h.Reason ?? "",
            Source = h.Source,
            Channel = h.Channel ?? "",
            Attempt = h.Attempt ?? 0,
        }));
        return command;
    }

    public static ProtoNotification ToProto(this NotificationView n) => new()
    {
        Id = n.Id,
        Type = n.Type,
        TwinId = n.TwinId,
        At = Time(n.At),
        Reason = n.Reason,
        Data = n.Data.ValueKind == JsonValueKind.Object ? Struct(n.Data.GetRawText()) : new Struct(),
    };

    public static HistoryItem ToProto(this HistoryPoint p)
    {
        var item = new HistoryItem
        {
            Reading = p.Reading,
            At = Time(p.At),
            Source = p.Source,
            DeliveryId = p.DeliveryId ?? "",
            Applied = p.Applied,
            ReceivedAt = Time(p.ReceivedAt),
            Sequence = p.Sequence,
        };
        if (p.Key is { } key)
        {
            item.Key = key;
        }

        if (p.Value is { } value)
        {
            item.Value = value;
        }

        if (p.Unit is { } unit)
        {
            item.Unit = unit;
        }

        if (p.State is { } state)
        {
            item.State = state;
        }

        if (p.Latitude is { } latitude)
        {
            item.Latitude = latitude;
        }

        if (p.Longitude is { } longitude)
        {
            item.Longitude = longitude;
        }

        return item;
    }

    public static Trip ToProto(this TripRecord t)
    {
        var trip = new Trip { Id = t.Id, Source = t.Source, StartedAt = Time(t.StartedAt), EndedAt = Time(t.EndedAt), Positions = t.Positions };
        if (t.DistanceKm is { } distance)
        {
            trip.DistanceKm = distance;
        }

        if (t.EnergyUsedKwh is { } energy)
        {
            trip.EnergyUsedKwh = energy;
        }

        if (t.SocStart is { } start)
        {
            trip.SocStart = start;
        }

        if (t.SocEnd is { } end)
        {
            trip.SocEnd = end;
        }

        if (t.SocStart - t.SocEnd is { } used)
        {
            trip.SocUsed = used;
        }

        return trip;
    }

    public static ProtoTrackPoint ToProto(this TrackPoint p) =>
        new() { Latitude = p.Latitude, Longitude = p.Longitude, At = Time(p.At) };

    /// <summary>A JSON object's text as a <see cref="Google.Protobuf.WellKnownTypes.Struct"/>.</summary>
    public static Struct Struct(string json) => JsonParser.Default.Parse<Struct>(json);

    /// <summary>A <see cref="Google.Protobuf.WellKnownTypes.Struct"/> as JSON object text ("{}" when absent).</summary>
    public static string Json(Struct? value) => value is null ? "{}" : JsonFormatter.Default.Format(value);

    private static string? NonEmpty(string text) => text.Length == 0 ? null : text;

    private static Timestamp? Time(DateTimeOffset? at) => at is { } value ? Timestamp.FromDateTimeOffset(value) : null;

    private static ProtoMeasurement? Reading(Measurement? m) =>
        m is null ? null : new ProtoMeasurement { Value = m.Value, Unit = m.Unit, At = Time(m.At), Source = m.Source, Extra = Extra(m.Extra) };

    private static ProtoStateReading? State(StateReading? s) =>
        s is null ? null : new ProtoStateReading { State = s.State, At = Time(s.At), Source = s.Source, Extra = Extra(s.Extra) };

    /// <summary>A reading's <c>extra</c> (a JSON object's text), or null when it has none.</summary>
    private static Struct? Extra(string? json) => json is null ? null : Struct(json);
}
