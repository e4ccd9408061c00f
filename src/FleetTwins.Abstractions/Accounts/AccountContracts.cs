using FleetTwins.Abstractions.Events;

namespace FleetTwins.Abstractions.Accounts;

/// <summary>A canonical fact about a client user's account.</summary>
[GenerateSerializer, Alias("ft.AccountEvent")]
public abstract record AccountEvent : TwinEvent;

/// <summary>The user connected these devices.</summary>
[GenerateSerializer, Immutable, Alias("ft.DevicesConnected")]
public sealed record DevicesConnected([property: Id(0)] IReadOnlyList<AccountDevice> Devices) : AccountEvent;

/// <summary>The user disconnected the devices with these ids.</summary>
[GenerateSerializer, Immutable, Alias("ft.DevicesDisconnected")]
public sealed record DevicesDisconnected([property: Id(0)] IReadOnlyList<string> DeviceIds) : AccountEvent;

/// <summary>A device of a user, as the provider describes it.</summary>
[GenerateSerializer, Immutable, Alias("ft.AccountDevice")]
public sealed record AccountDevice(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string? DeviceType,
    [property: Id(2)] string? Make,
    [property: Id(3)] string? Model,
    [property: Id(4)] string? Vin,
    [property: Id(5)] string? Nickname,
    [property: Id(6)] int? Year,
    [property: Id(7)] string? Country,
    [property: Id(8)] string? EngineType);

/// <summary>One device on an account, connected or not, and since when.</summary>
[GenerateSerializer, Immutable, Alias("ft.AccountDeviceState")]
public sealed record AccountDeviceState(
    [property: Id(0)] AccountDevice Device,
    [property: Id(1)] bool Connected,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string? VehicleId);

/// <summary>A snapshot of one account twin.</summary>
[GenerateSerializer, Immutable, Alias("ft.AccountTwin")]
public sealed record AccountTwin : IVersionedTwin
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Source { get; init; }
    [Id(2)] public IReadOnlyList<AccountDeviceState> Devices { get; init; } = [];
    [Id(3)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(4)] public long Version { get; init; }
}

/// <summary>The twin of one client user of a provider, keyed by <c>provider:userId</c>.</summary>
[Alias("ft.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    [Alias("Get")]
    Task<AccountTwin?> GetAsync();

    /// <summary>Applies a delivery; <paramref name="vehicleIds"/> maps device ids to the vehicle twins they resolved to.</summary>
    [Alias("Apply")]
    Task<ApplyOutcome> ApplyAsync(TwinEventBatch<AccountEvent> batch, IReadOnlyDictionary<string, string> vehicleIds);
}
