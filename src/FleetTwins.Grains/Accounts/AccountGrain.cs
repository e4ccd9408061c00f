using FleetTwins.Abstractions;
using FleetTwins.Abstractions.Accounts;
using FleetTwins.Abstractions.Events;
using FleetTwins.Grains.Delivery;

namespace FleetTwins.Grains.Accounts;

/// <summary>The persisted state of one account twin.</summary>
[GenerateSerializer, Alias("ft.grains.AccountState")]
public sealed class AccountState
{
    [Id(0)] public Dictionary<string, AccountDeviceState> Devices { get; set; } = [];
    [Id(1)] public string? Source { get; set; }
    [Id(2)] public DateTimeOffset? UpdatedAt { get; set; }
    [Id(3)] public long Version { get; set; }
    [Id(4)] public DeliveryLog Deliveries { get; set; } = new();

    /// <summary>Applies one delivery (pure); per device, an older report never replaces a newer one.</summary>
    public void Apply(TwinEventBatch<AccountEvent> batch, IReadOnlyDictionary<string, string> vehicleIds, DateTimeOffset now)
    {
        foreach (var e in batch.Events)
        {
            switch (e)
            {
                case DevicesConnected connected:
                    foreach (var device in connected.Devices)
                    {
                        Set(device.DeviceId, previous => new AccountDeviceState(device, true, e.At,
                            vehicleIds.GetValueOrDefault(device.DeviceId) ?? previous?.VehicleId));
                    }

                    break;
                case DevicesDisconnected disconnected:
                    foreach (var deviceId in disconnected.DeviceIds)
                    {
                        Set(deviceId, previous => new AccountDeviceState(
                            previous?.Device ?? new AccountDevice(deviceId, null, null, null, null, null, null, null, null),
                            false, e.At, vehicleIds.GetValueOrDefault(deviceId) ?? previous?.VehicleId));
                    }

                    break;
            }
        }

        Source = batch.Source;
        UpdatedAt = now;
        Version++;
    }

    public AccountTwin ToSnapshot(string id) => new()
    {
        Id = id,
        Source = Source ?? "",
        Devices = [.. Devices.Values.OrderBy(d => d.Device.DeviceId, StringComparer.Ordinal)],
        UpdatedAt = UpdatedAt ?? default,
        Version = Version,
    };

    private void Set(string deviceId, Func<AccountDeviceState?, AccountDeviceState> next)
    {
        var previous = Devices.GetValueOrDefault(deviceId);
        var candidate = next(previous);
        if (previous is null || candidate.At >= previous.At)
        {
            Devices[deviceId] = candidate;
        }
    }
}

/// <summary>The twin of one client user: which devices they have connected.</summary>
[GrainType("account")]
public sealed class AccountGrain(
    [PersistentState("account", StorageNames.Twins)] IPersistentState<AccountState> account,
    TimeProvider clock) : Grain, IAccountGrain
{
    public Task<AccountTwin?> GetAsync() =>
        Task.FromResult(account.State.UpdatedAt is null ? null : account.State.ToSnapshot(this.GetPrimaryKeyString()));

    public Task<ApplyOutcome> ApplyAsync(TwinEventBatch<AccountEvent> batch, IReadOnlyDictionary<string, string> vehicleIds)
    {
        var now = clock.GetUtcNow();
        return account.ApplyOnceAsync(this, account.State.Deliveries, batch.DeliveryId, now,
            () => account.State.Apply(batch, vehicleIds, now));
    }
}
