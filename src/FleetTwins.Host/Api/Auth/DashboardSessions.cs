using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace FleetTwins.Host.Api;

/// <summary>The <c>Dashboard</c> section's session setting.</summary>
public sealed class DashboardSessionOptions
{
    public const string Section = "Dashboard";

    /// <summary>How long a signed-in dashboard browser may go without a request before it must sign in again.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// The dashboard's signed-in browsers on this silo, in memory: a random id (never the key) per sign-in, ended by
/// signing out or by <see cref="DashboardSessionOptions.SessionIdleTimeout"/> without a request. A session belongs
/// to the silo that started it (a load balancer keeps a browser on one silo, or it signs in again); a restart ends
/// them all.
/// </summary>
public sealed class DashboardSessions(IOptions<DashboardSessionOptions> options, TimeProvider clock)
{
    // Keyed by the id's hash: what this process holds cannot be replayed as a cookie.
    private readonly ConcurrentDictionary<string, Session> sessions = new(StringComparer.Ordinal);

    /// <summary>Starts a session for <paramref name="key"/>; answers its id, the cookie's value.</summary>
    public string Start(ApiKey key)
    {
        foreach (var (hash, session) in sessions)
        {
            if (IsIdle(session))
            {
                sessions.TryRemove(hash, out _);
            }
        }

        var id = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        sessions[Hash(id)] = new Session(key, clock.GetUtcNow().UtcTicks);
        return id;
    }

    /// <summary>The key of the live session <paramref name="id"/> names (its idle time starts again), or null.</summary>
    public ApiKey? Resume(string id)
    {
        var hash = Hash(id);
        if (!sessions.TryGetValue(hash, out var session))
        {
            return null;
        }

        if (IsIdle(session))
        {
            sessions.TryRemove(hash, out _);
            return null;
        }

        Interlocked.Exchange(ref session.LastSeenTicks, clock.GetUtcNow().UtcTicks);
        return session.Key;
    }

    /// <summary>Ends the session <paramref name="id"/> names, if any.</summary>
    public void End(string id) => sessions.TryRemove(Hash(id), out _);

    private bool IsIdle(Session session) =>
        clock.GetUtcNow().UtcTicks - Interlocked.Read(ref session.LastSeenTicks) > options.Value.SessionIdleTimeout.Ticks;

    private static string Hash(string id) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id)));

    private sealed class Session(ApiKey key, long lastSeenTicks)
    {
        public long LastSeenTicks = lastSeenTicks;

        public ApiKey Key { get; } = key;
    }
}
