using System.Net;
using Microsoft.Extensions.Primitives;

namespace FleetTwins.Ingestion.Webhooks;

/// <summary>
/// A pushed delivery as the transport received it: the body still to be read (<paramref name="ContentLength"/> as
/// announced, if it was), its headers by name and the client's address, so ingestion needs nothing of the web server.
/// </summary>
public sealed record PushDelivery(Stream Body, long? ContentLength, Func<string, StringValues> Header, IPAddress? RemoteAddress = null);
