using Microsoft.Extensions.Primitives;

namespace FleetTwins.Ingestion.Webhooks;

/// <summary>
/// A pushed delivery as the transport received it: the body still to be read (<paramref name="ContentLength"/> as
/// announced, if it was) and its headers by name, so ingestion needs nothing of the web server.
/// </summary>
public sealed record PushDelivery(Stream Body, long? ContentLength, Func<string, StringValues> Header);
