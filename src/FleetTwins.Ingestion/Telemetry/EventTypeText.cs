namespace FleetTwins.Ingestion.Telemetry;

/// <summary>An event type a sender named, as logged: its first 200 characters, so a made-up name of kilobytes stays a line.</summary>
public static class EventTypeText
{
    private const int MaxLogged = 200;

    public static string Shorten(string eventType) => eventType.Length <= MaxLogged ? eventType : eventType[..MaxLogged] + "...";
}
