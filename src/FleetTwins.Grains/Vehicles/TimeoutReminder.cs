namespace FleetTwins.Grains.Vehicles;

/// <summary>The durable reminder that times a twin's commands out and announces its vehicle offline after the dwell time.</summary>
internal sealed class TimeoutReminder(IGrainBase grain, TimeSpan period)
{
    public const string Name = "timeouts";

    private bool registered;

    /// <summary>Registers the reminder once per activation (each registration is a write to the reminder table).</summary>
    public async Task EnsureAsync()
    {
        if (!registered)
        {
            await grain.RegisterOrUpdateReminder(Name, period, period);
            registered = true;
        }
    }

    /// <summary>Unregisters the reminder, when registered: nothing is left to wait for.</summary>
    public async Task StopAsync()
    {
        if (await grain.GetReminder(Name) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
            registered = false;
        }
    }
}
